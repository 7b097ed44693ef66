"""The site-wide content version that every content change bumps, and a
health check for the shared cache.

The Redis backend itself lives in ``core.redis_cache``, so that a process
whose cache is not Redis never imports the Redis client (about 6 MB per
worker, measured).
"""

from django.core.cache import cache

CONTENT_VERSION_KEY = "content-version"


def cache_is_reachable():
    """True when the shared cache answers (a local-memory cache always does)."""
    ping = getattr(cache, "ping", None)
    return ping() if ping else True


def content_version():
    """The current content version; 0 before anything has been bumped."""
    return cache.get(CONTENT_VERSION_KEY, 0)


def bump_content_version():
    """Make every process on every server drop its cached pages.

    Cached pages are keyed by this version, so bumping it retires them all at
    once without having to find and delete each key.
    """
    if not cache.add(CONTENT_VERSION_KEY, 1, None):
        try:
            cache.incr(CONTENT_VERSION_KEY)
        except ValueError:  # the key expired between add() and incr()
            cache.set(CONTENT_VERSION_KEY, 1, None)
