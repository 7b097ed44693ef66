"""When a visit to an enquiry link counts as an open.

The count is for staff to see whether a link they sent was used, so it
counts people, not requests. A visit counts when it is a real GET by a person
(not a HEAD, a browser's prefetch or a link-preview bot: email and chat apps
fetch a link to draw its preview, often before anyone reads it), and only
once per link per visitor in a 30-minute window, so reloads, the back
button and a page reopened from a tab are one open.

The visitor is known only by a keyed hash of their address and browser,
kept in the cache for the window and never stored or logged; no cookie is
set, so a patient who only reads still gets none.
"""

import re

from django.core.cache import cache
from django.utils.crypto import salted_hmac

from radiology_guide.core.client import client_address

OPEN_WINDOW_SECONDS = 30 * 60
# Link previews and scripts, by the names they give themselves. A scanner
# that looks like a browser (some mail filters do) cannot be told apart.
NOT_A_PERSON = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|preview|facebookexternalhit|whatsapp|slack|discord|telegram|linkedin|"
    r"skype|embedly|iframely|python-|curl/|wget/|go-http-client|okhttp|java/|libwww|httpclient",
    re.IGNORECASE,
)
PREFETCH_HEADERS = ("Sec-Purpose", "Purpose", "X-Purpose", "X-Moz")


def is_a_person_reading(request):
    if request.method != "GET":
        return False
    if any("prefetch" in request.headers.get(name, "") or "preview" in request.headers.get(name, "")
           for name in PREFETCH_HEADERS):  # fmt: skip
        return False
    agent = request.headers.get("User-Agent", "")
    return bool(agent) and not NOT_A_PERSON.search(agent)


def first_in_window(link_pk, request):
    """True for the first visit from this address and browser to this link
    in the window (cache.add is atomic where it matters, on Redis)."""
    seen = f"{client_address(request)}|{request.headers.get('User-Agent', '')}"
    visitor = salted_hmac("enquiry-link-open", seen, algorithm="sha256")
    return cache.add(f"link-open:{link_pk}:{visitor.hexdigest()[:32]}", 1, OPEN_WINDOW_SECONDS)


def counts_as_open(link_pk, request):
    return is_a_person_reading(request) and first_in_window(link_pk, request)
