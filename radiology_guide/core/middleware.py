"""Site-wide middleware: one log line per request, security headers on every
response, and static files."""

import logging
import re
import secrets
import time

from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.db import DatabaseError
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.middleware.locale import LocaleMiddleware
from django.template.response import TemplateResponse
from whitenoise.middleware import WhiteNoiseMiddleware

logger = logging.getLogger("radiology_guide.request")

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "interest-cohort",
    )
)


# What a proxy's request id looks like (a UUID, a hex token, a Heroku- or
# nginx-style id); anything else is replaced, so a client cannot write into
# the log through it.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")
# Control characters, backslashes, quotes and spaces in a logged path are
# written as %XX: a decoded %0a would otherwise start a forged log line.
UNSAFE_IN_LOG = re.compile(r"[\x00-\x20\x7f-\x9f\\\"\u2028\u2029]")


def request_id(header_value):
    """The caller's X-Request-Id (from a proxy) if it looks like one, or a new one."""
    if header_value and REQUEST_ID.fullmatch(header_value):
        return header_value
    return secrets.token_hex(8)


def loggable(text):
    return UNSAFE_IN_LOG.sub(lambda match: "".join(f"%{byte:02X}" for byte in match[0].encode()), text)


# A preview link's token lets anyone holding it read a draft: never logged.
PREVIEW_TOKEN = re.compile(r"^/preview/[^/]+/")
# An enquiry link's code is as good as the link: /e/7K3M-9QXP-4DRA is logged
# as /e/[code], so the log cannot hand out patients' links.
LINK_CODE = re.compile(r"^/e/[^/]+")


def logged_path(path):
    return loggable(LINK_CODE.sub("/e/[code]", PREVIEW_TOKEN.sub("/preview/[token]/", path)))


def log_request(request_id, method, path, status, started):
    logger.info(
        "request id=%s method=%s path=%s status=%s ms=%.1f",
        request_id,
        loggable(method),
        logged_path(path),
        status,
        (time.perf_counter() - started) * 1000,
    )


class RequestLogMiddleware:
    """Log one line per request: id, method, path, status and time.

    Only the path is logged, never the query string, form data or client
    address, so no patient data reaches the logs. (Cached pages answered
    before Django, by core.pagecache.CachedPages, log the same line.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = request_id(request.headers.get("X-Request-Id"))
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-Id"] = request.id
        log_request(request.id, request.method, request.path, response.status_code, started)
        return response


#: What a 304 must repeat from the page it stands for: Django's own 304 keeps
#: only the caching headers (core/pagecache.py copies these).
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Cross-Origin-Resource-Policy",
    "Permissions-Policy",
    "Strict-Transport-Security",
)


class SecurityHeadersMiddleware:
    """The headers Django does not set (Permissions-Policy, Cross-Origin-
    Resource-Policy), and the CSP and X-Frame-Options on responses that never
    reach Django's middleware for them.

    It sits above SecurityMiddleware (which sets nosniff, Referrer-Policy,
    Cross-Origin-Opener-Policy and HSTS on everything below it), so the
    redirect to HTTPS and static files from whitenoise get every header too.
    Django's CSP and X-Frame-Options middleware are applied again here: each
    leaves a response alone that already has its header (or a view's
    exemption), and without a nonce the policy is the one cached pages carry.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = ContentSecurityPolicyMiddleware(get_response)
        self.frame_options = XFrameOptionsMiddleware(get_response)

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response = self.csp.process_response(request, response)
        return self.frame_options.process_response(request, response)


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """Whitenoise without the wildcard CORS header (WHITENOISE_ALLOW_ALL_ORIGINS
    in settings) and without the manifest: staticfiles.json lists every static
    file, pages never need it, and it is the whole site's layout for the asking."""

    def add_file_to_dictionary(self, url, path, stat_cache=None):
        if not self._is_manifest(url):
            super().add_file_to_dictionary(url, path, stat_cache=stat_cache)

    def find_file(self, url):
        # With WHITENOISE_AUTOREFRESH (DEBUG), files are looked up per request.
        return None if self._is_manifest(url) else super().find_file(url)

    def _is_manifest(self, url):
        # Also its compressed copies (staticfiles.json.gz, .br).
        return url.startswith(self.static_prefix + ManifestFilesMixin.manifest_name)


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached, show a calm 503 page with the
    clinic's phone number instead of a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DatabaseError):
            logger.error(
                "database unavailable id=%s path=%s error=%s",
                request.id,
                logged_path(request.path),
                type(exception).__name__,
            )
            response = TemplateResponse(request, "503.html", status=503)
            response["Retry-After"] = "60"
            response["Cache-Control"] = "no-store"
            return response.render()
        return None


class LanguageFromPathMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, for a site whose language is in its address
    only (i18n_patterns with English unprefixed, issue 23). Every address
    names one language, so the response never varies with Accept-Language:
    a shared cache or CDN keeps one copy of each page, not one per browser."""

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if vary := response.get("Vary"):
            kept = [value for value in (part.strip() for part in vary.split(",")) if value.lower() != "accept-language"]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response
