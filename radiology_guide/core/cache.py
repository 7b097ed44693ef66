"""The site-wide content version that every content change bumps, and a
health check for the shared cache.

The Redis backend itself lives in ``core.redis_cache``, so that a process
whose cache is not Redis never imports the Redis client (about 6 MB per
worker, measured).
"""

import secrets

from django.core.cache import cache

CONTENT_VERSION_KEY = "content-version"


def cache_is_reachable():
    """True when the shared cache answers (a local-memory cache always does)."""
    ping = getattr(cache, "ping", None)
    return ping() if ping else True


def _new_version():
    return secrets.token_hex(8)


def content_version():
    """The current content version: a random token, new at every change.

    A token rather than a counter, so that a version can never come round
    again (a Redis restart, a cleared cache): a page copy made under an old
    version can then never look current. With no version in the cache yet
    (or the cache unreachable), one is made up, which matches nothing stored.
    """
    version = cache.get(CONTENT_VERSION_KEY)
    if version is None:
        version = _new_version()
        if not cache.add(CONTENT_VERSION_KEY, version, None):
            version = cache.get(CONTENT_VERSION_KEY) or version  # another process was first
    return version


def bump_content_version():
    """Make every process on every server drop its cached pages.

    Each stored page records the version it was built under, so a new
    version retires them all at once, without finding and deleting each.
    """
    cache.set(CONTENT_VERSION_KEY, _new_version(), None)
