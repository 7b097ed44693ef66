"""Full-page caching of public pages in the shared cache.

Pages are keyed by the site-wide content version (``core.cache``), which every
content save, sync or delete bumps: every process on every server then builds
fresh pages on its next request, with no keys to hunt down.

Only anonymous GET/HEAD requests for public pages are served from or stored in
the cache. A reader with a session (staff) bypasses it both ways, and a
response that sets a cookie, carries a CSRF token or says ``no-store`` or
``private`` is never stored, so nobody is ever served someone else's page.

Responses also carry ETag, Last-Modified and a public Cache-Control header,
so a CDN or caching proxy in front can serve them, and browsers get 304s.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date

from radiology_guide.core.cache import content_version

PRIVATE_PREFIXES = ("/admin/", "/staff/", "/enquire/", "/e/", "/account/", "/healthz", "/readyz", "/static/")
# Search results are cheap to build and endless in variety: caching them would
# let anyone fill the cache with junk queries.
UNCACHED_PREFIXES = PRIVATE_PREFIXES + ("/search/",)
STORED_HEADERS = ("Content-Type", "Content-Language")


def _is_candidate(request):
    return (
        request.method in ("GET", "HEAD")
        and settings.PAGE_CACHE_SECONDS > 0
        and not request.path.startswith(UNCACHED_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _key(request, version):
    # The host is part of the key: one cache may serve several sites.
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
    return f"page:{version}:{request.get_host()}:{path}"


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _is_candidate(request):
            return self.get_response(request)
        version = content_version()
        key = _key(request, version)
        cached = cache.get(key)
        if cached is not None:
            return self._from_cache(request, cached)
        response = self.get_response(request)
        if self._storable(response):
            self._add_validators(response)
            cache.set(
                key,
                {
                    "content": response.content,
                    "headers": {name: response[name] for name in STORED_HEADERS if name in response},
                    "etag": response["ETag"],
                    "last_modified": response["Last-Modified"],
                },
                settings.PAGE_CACHE_SECONDS,
            )
            response["X-Cache"] = "miss"
            return get_conditional_response(request, etag=response["ETag"], last_modified=None, response=response)
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
        )

    def _from_cache(self, request, cached):
        response = HttpResponse(cached["content"])
        for name, value in cached["headers"].items():
            response[name] = value
        response["ETag"] = cached["etag"]
        response["Last-Modified"] = cached["last_modified"]
        response["X-Cache"] = "hit"
        patch_cache_control(
            response,
            public=True,
            max_age=settings.PAGE_CACHE_SECONDS,
            stale_while_revalidate=settings.PAGE_STALE_SECONDS,
        )
        return get_conditional_response(
            request, etag=cached["etag"], last_modified=parse_http_date(cached["last_modified"]), response=response
        )
