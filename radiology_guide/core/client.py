"""The one place the client's address is worked out: django-axes (sign-in
lockout, through AXES_CLIENT_IP_CALLABLE), the enquiry rate limit and any log
line that needs it all call ``client_address``."""

from django.conf import settings


def client_address(request) -> str:
    """REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT proxies of our own, the
    address the outermost of them saw.

    Each proxy appends the address it received the request from, so the
    entry ``TRUSTED_PROXY_COUNT`` from the right was written by our own
    outermost proxy; anything further left came from the client and could be
    forged. Without enough entries the request did not come through our
    proxies, so the socket's address is the truth.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
