"""A small rate limit held in the shared cache, so it counts across every
process and server. Client addresses are hashed before they reach the cache."""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'5/h' -> (5, 3600); '10/15m' -> (10, 900)."""
    count, _, period = rate.partition("/")
    number = int(period[:-1] or 1)
    return int(count), number * UNITS[period[-1]]


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or the address our own proxies saw
    when TRUSTED_PROXY_COUNT says how many sit in front of the app."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def over_limit(scope: str, request, rate: str) -> bool:
    """Count this request; True when it is over the limit.

    If the cache cannot be reached the count is lost and the request allowed:
    a patient's enquiry matters more than a perfect count.
    """
    limit, window = parse_rate(rate)
    digest = hmac.new(settings.SECRET_KEY.encode(), client_address(request).encode(), hashlib.sha256).hexdigest()
    key = f"rl:{scope}:{digest[:24]}"
    if cache.add(key, 1, window):
        return 1 > limit
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, window)
        count = 1
    return count is not None and count > limit
