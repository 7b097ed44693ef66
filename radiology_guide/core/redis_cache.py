"""The shared cache's backend: Redis, without ever taking the site down.

When Redis is unreachable, reads miss and writes are dropped (with a warning
in the log), so pages are served uncached and enquiries still go through.
Settings name it as CACHE_URL=redis://... (see config.cache_from_url).
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _tolerant(default=None):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except (RedisError, OSError) as error:
                logger.warning("cache unavailable during %s: %s", method.__name__, type(error).__name__)
                return default(*args, **kwargs) if callable(default) else default

        return wrapper

    return decorate


def _get_default(key, default=None, version=None):
    return default


def _nothing_found(keys, version=None):
    return {}


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client builds a new redis.Redis object for every operation,
    which costs about 0.2 ms each; a cached page needs two. Keep one per
    connection pool instead (redis.Redis is safe to share between threads)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    get = _tolerant(_get_default)(RedisCache.get)
    get_many = _tolerant(_nothing_found)(RedisCache.get_many)
    set = _tolerant()(RedisCache.set)
    set_many = _tolerant(list)(RedisCache.set_many)  # every key failed
    add = _tolerant(False)(RedisCache.add)
    delete = _tolerant(False)(RedisCache.delete)
    delete_many = _tolerant()(RedisCache.delete_many)
    touch = _tolerant(False)(RedisCache.touch)
    incr = _tolerant()(RedisCache.incr)
    has_key = _tolerant(False)(RedisCache.has_key)
    clear = _tolerant(False)(RedisCache.clear)

    def ping(self):
        try:
            return bool(self._cache.get_client().ping())
        except (RedisError, OSError):
            return False
