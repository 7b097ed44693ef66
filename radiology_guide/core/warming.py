"""Build public pages into the shared page cache before a patient asks.

A publish retires every cached page at once (core/pagecache.py), so without
this the next patient on each page waits while it is built. The Tasks worker
calls ``warm`` after every publish (guide/tasks.py), with every public
address: each is requested through Django's full request handling, as the
public address in ``SITE_URL`` (its scheme and host are part of the cache
key), so the page cache stores exactly what a patient's request would have
stored, headers included.

No lock is taken and nothing waits for this: a patient who asks in the
second before their page is warmed builds it themselves, as before, and
whichever copy is stored last is the same page. Old copies are not served
meanwhile: they were retired so that a correction reaches the very next
patient (tests/test_page_cache.py).
"""

import logging
import secrets
import time
from urllib.parse import urlsplit

from django.conf import settings

from radiology_guide.core.pagecache import forget_local_copies

logger = logging.getLogger("radiology_guide.pagecache")


def patient_client():
    """A client that asks as a patient does at SITE_URL, and whether over HTTPS
    (also what ``manage.py export_site`` renders the static mirror with)."""
    # django.test's client runs a request through the same handler and
    # middleware as the server, without a socket. Imported here: only the
    # Tasks worker needs it.
    from django.test import Client

    site = urlsplit(settings.SITE_URL)
    # One request id for the whole run, so the log shows which requests were the warming.
    extra = {"HTTP_HOST": site.netloc, "HTTP_X_REQUEST_ID": f"warm-{secrets.token_hex(6)}"}
    secure = site.scheme == "https"
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if secure and proxy_header:
        extra[proxy_header[0]] = proxy_header[1]  # as the TLS proxy in front says it
    # A page that fails is a 500 here (and django.request logs it), not the end of the warming.
    return Client(raise_request_exception=False, **extra), secure


def warm(paths):
    """Request each of ``paths`` as a patient would, so the page cache holds
    it under the current content version. Returns {"stored": n, "current": n,
    "not_stored": n}: built and stored now, already current, or not a page
    the cache keeps (a 404, a personal page)."""
    counts = {"stored": 0, "current": 0, "not_stored": 0}
    if settings.PAGE_CACHE_SECONDS <= 0:
        return counts
    started = time.perf_counter()
    client, secure = patient_client()
    for path in paths:
        client.cookies.clear()  # each request as a new visitor, never with a session
        response = client.get(path, secure=secure)
        outcome = {"miss": "stored", "hit": "current"}.get(response.get("X-Cache"), "not_stored")
        counts[outcome] += 1
        if response.status_code == 400:
            host = urlsplit(settings.SITE_URL).netloc
            logger.warning("page cache warm refused host=%s: is it in ALLOWED_HOSTS?", host)
            break
        # The page is in the shared cache for the web workers; this process
        # (the Tasks worker) never serves it, so it keeps no copy (8 MB in all).
        forget_local_copies()
    logger.info(
        "page cache warmed stored=%s current=%s not_stored=%s ms=%.0f",
        counts["stored"],
        counts["current"],
        counts["not_stored"],
        (time.perf_counter() - started) * 1000,
    )
    return counts
