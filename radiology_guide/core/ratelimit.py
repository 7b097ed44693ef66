"""A rate limit counted in the database, so it holds across every process and
server for its whole window.

It used to live in the shared cache, where it leaked: the file cache's
``incr`` reset a counter's lifetime to 300 s (12 enquiries from one address
were notified in 17 minutes under 5/h), and the page cache could evict
counters (about 2,000 requests for /faqs/?utm_source=N wiped one). A row in
the database is never evicted and lives exactly as long as its window.
Client addresses are hashed (keyed with SECRET_KEY) before they are stored.
"""

import hashlib
import hmac

from django.conf import settings

from radiology_guide.config import parse_rate
from radiology_guide.core.client import client_address
from radiology_guide.core.models import RateCounter

__all__ = ["client_address", "over_limit", "parse_rate"]


def over_limit(scope: str, request, rate: str) -> bool:
    """Count this request; True when it is over the limit for its window."""
    limit, window = parse_rate(rate)
    digest = hmac.new(settings.SECRET_KEY.encode(), client_address(request).encode(), hashlib.sha256).hexdigest()
    return RateCounter.hit(f"{scope}:{digest[:32]}", window) > limit
