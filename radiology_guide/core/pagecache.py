"""Full-page caching of public pages in the shared cache.

Each stored page records the site-wide content version (``core.cache``) it
was built under, and every content save, sync or delete replaces that
version: every process on every server then builds fresh pages on its next
request, with no keys to hunt down. A hit reads the version from the shared
cache and the page from this process's own copies (or, the first time, from
the shared cache).

Only anonymous GET/HEAD requests for public pages are served from or stored in
the cache. A reader with a session (staff) bypasses it both ways, and a
response that sets a cookie, carries a CSRF token or says ``no-store`` or
``private`` is never stored, so nobody is ever served someone else's page.

Responses also carry ETag, Last-Modified, a public Cache-Control header
(with stale-while-revalidate, and stale-if-error for a day) and the content
keys a CDN purges by (``core.cdn``), so a CDN or caching proxy in front can
serve them, and browsers get 304s.

A stored page is also kept gzipped, compressed once when stored, and sent so
to a browser that accepts it (``Vary: Accept-Encoding``, its own ETag): a
guide page travels in a third of its size or less, which matters on a phone's slow
connection. Only these public pages are compressed: they hold no secret (no
CSRF token, no session), so compression tells an attacker nothing (BREACH).

Two layers share one set of rules and keys:

- ``CachedPages`` wraps the WSGI application (radiology_guide/wsgi.py) and
  answers a plain GET for a cached page before Django's request handling
  starts at all. That is most of the traffic in a burst, and it is about
  ten times cheaper than going through Django (README "Benchmarks").
- ``PageCacheMiddleware``, at the top of MIDDLEWARE, stores pages and answers
  everything else that may come from the cache (HEAD, If-None-Match,
  If-Modified-Since, with 304s).

Only pages stored by a full pass through the middleware can be served, so
whatever that pass checked (allowed hosts, the redirect to HTTPS) holds for
every copy of them.
"""

import gzip
import hashlib
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date

from radiology_guide.core import cdn
from radiology_guide.core.cache import content_version
from radiology_guide.core.middleware import SECURITY_HEADERS, log_request, request_id
from radiology_guide.core.paths import PRIVATE_PREFIXES, in_every_language

# Search results are cheap to build and endless in variety: caching them would
# let anyone fill the cache with junk queries.
UNCACHED_PREFIXES = PRIVATE_PREFIXES + in_every_language(("/search/",))
# Headers that belong to one response, never to the stored page.
UNSTORED_HEADERS = frozenset({"date", "set-cookie", "x-cache", "x-request-id"})
# A CDN or proxy in front may serve a stored page for a day while this server
# is down: the guide's words and the clinic's phone number are still right,
# and an error page tells a patient nothing.
STALE_IF_ERROR_SECONDS = 24 * 3600
# Smaller pages gain nothing from compression (a redirect, an empty answer).
GZIP_MIN_BYTES = 512
NOT_ACCEPTABLE = re.compile(r"q\s*=\s*0(?:\.0*)?")


def _is_candidate(request):
    return (
        request.method in ("GET", "HEAD")
        and settings.PAGE_CACHE_SECONDS > 0
        and not request.path.startswith(UNCACHED_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _key(request):
    # The scheme and host are part of the key: one cache may serve several
    # sites, and a plain-HTTP request must reach SecurityMiddleware's redirect
    # to HTTPS (get_host() also checks ALLOWED_HOSTS before anything is read).
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
    return f"page:{request.scheme}://{request.get_host()}:{path}"


# Each process also keeps its own copy of the pages it has served, so that a
# hit reads only the small content version from the shared cache, not the
# page. A copy is used only while the version it was built under is current,
# and for PAGE_CACHE_SECONDS at most. Query strings make endless addresses,
# so the copies are bounded: when full, they are all dropped.
LOCAL_COPIES = 200
_copies = {}


def forget_local_copies():
    _copies.clear()


def _current(page, version):
    return page is not None and page["version"] == version and page["expires"] > time.time()


def _keep(key, page):
    if len(_copies) >= LOCAL_COPIES:
        _copies.clear()
    _copies[key] = page


def _stored(response, version):
    """What the cache keeps of ``response``: the page as sent and, when it is
    worth it, gzipped, each with its own headers and ETag."""
    headers = [(name, value) for name, value in response.items() if name.lower() not in UNSTORED_HEADERS]
    page = {
        "content": response.content,
        "headers": headers,
        "etag": response["ETag"],
        "last_modified": parse_http_date(response["Last-Modified"]),
        "version": version,
        "expires": time.time() + settings.PAGE_CACHE_SECONDS,
    }
    if len(response.content) >= GZIP_MIN_BYTES and not response.has_header("Content-Encoding"):
        # mtime=0: the same page always compresses to the same bytes.
        compressed = gzip.compress(response.content, compresslevel=6, mtime=0)
        etag = page["etag"][:-1] + '-gzip"'
        replaced = {"content-length": str(len(compressed)), "etag": etag}
        page["gzip"] = {
            "content": compressed,
            "headers": [
                *((name, replaced.get(name.lower(), value)) for name, value in headers),
                ("Content-Encoding", "gzip"),
            ],
            "etag": etag,
        }
    return page


def accepts_gzip(accept_encoding):
    """Whether an Accept-Encoding header takes gzip (and not with q=0, RFC 9110 12.5.3)."""
    for part in (accept_encoding or "").split(","):
        coding, _, weight = part.partition(";")
        if coding.strip().lower() == "gzip":
            return not NOT_ACCEPTABLE.fullmatch(weight.strip().lower())
    return False


def _variant(page, accept_encoding):
    """``page`` as this reader's browser takes it: gzipped if it accepts that."""
    if "gzip" in page and accepts_gzip(accept_encoding):
        return page["gzip"]
    return page


def _lookup(request):
    """(key, current content version, a current stored page or None)."""
    key = _key(request)
    version = content_version()
    page = _copies.get(key)
    if _current(page, version):
        return key, version, page
    page = cache.get(key)
    if not _current(page, version):
        return key, version, None
    _keep(key, page)
    return key, version, page


class PageCacheMiddleware:
    """Sits at the top of MIDDLEWARE (after the request log), so a hit costs
    one cache read and skips everything else. What the middleware below it
    add (security headers, CSP, X-Frame-Options) is stored with the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _is_candidate(request):
            return self.get_response(request)
        try:
            key, version, cached = _lookup(request)
        except DisallowedHost:
            # Let Django's CommonMiddleware answer with its 400, inside the
            # middleware that add the security headers.
            return self.get_response(request)
        if cached is not None:
            return self._from_cache(request, cached)
        response = self.get_response(request)
        if self._storable(response):
            self._add_validators(response)
            page = _stored(response, version)
            cache.set(key, page, settings.PAGE_CACHE_SECONDS)
            _keep(key, page)
            variant = _variant(page, request.headers.get("Accept-Encoding"))
            if variant is not page:
                response = self._response(variant)
            response["X-Cache"] = "miss"
            return _conditional(request, response, etag=response["ETag"], last_modified=None)
        return response

    @staticmethod
    def _storable(response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "no-store" not in cache_control
            and "private" not in cache_control
            and "Cookie" not in response.get("Vary", "")
            and b"csrfmiddlewaretoken" not in response.content
            # A CSP nonce must be new on every response: a page that used one is never stored.
            and "'nonce-" not in response.get("Content-Security-Policy", "")
        )

    @staticmethod
    def _add_validators(response):
        response["ETag"] = '"' + hashlib.blake2b(response.content, digest_size=12).hexdigest() + '"'
        response["Last-Modified"] = http_date()
        patch_cache_control(
            response,
            public=True,
            max_age=settings.PAGE_CACHE_SECONDS,
            stale_while_revalidate=settings.PAGE_STALE_SECONDS,
            stale_if_error=STALE_IF_ERROR_SECONDS,
        )
        patch_vary_headers(response, ("Accept-Encoding",))
        cdn.write_keys(response)

    @staticmethod
    def _response(variant):
        response = HttpResponse(variant["content"])
        for name, value in variant["headers"]:
            response[name] = value
        return response

    def _from_cache(self, request, cached):
        variant = _variant(cached, request.headers.get("Accept-Encoding"))
        response = self._response(variant)
        response["X-Cache"] = "hit"
        return _conditional(request, response, etag=variant["etag"], last_modified=cached["last_modified"])


def _conditional(request, response, etag, last_modified):
    """``response``, or a 304 for it that keeps its security headers (Django's
    own 304 keeps only the caching headers)."""
    conditional = get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)
    if conditional is not response:
        for name in (*SECURITY_HEADERS, "X-Cache"):
            if name in response:
                conditional[name] = response[name]
    return conditional


class CachedPages:
    """WSGI wrapper: a plain GET for a cached page is answered from the cache
    with the stored headers, without Django's handler, middleware or views."""

    CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        if environ.get("REQUEST_METHOD") != "GET" or any(name in environ for name in self.CONDITIONAL):
            return self.application(environ, start_response)
        request = WSGIRequest(environ)
        try:
            cached = _lookup(request)[2] if _is_candidate(request) else None
        except DisallowedHost:
            cached = None  # Django answers it with a 400
        if cached is None:
            return self.application(environ, start_response)
        identifier = request_id(environ.get("HTTP_X_REQUEST_ID"))
        variant = _variant(cached, environ.get("HTTP_ACCEPT_ENCODING"))
        start_response("200 OK", [*variant["headers"], ("X-Cache", "hit"), ("X-Request-Id", identifier)])
        log_request(identifier, "GET", request.path, 200, started)
        return [variant["content"]]
