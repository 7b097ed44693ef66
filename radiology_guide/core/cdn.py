"""A CDN in front of the site: what each public page says about its content,
and the purge request a publish sends.

Content keys. Every page the page cache stores names the content it shows
in two headers, so a CDN can drop exactly the pages a change touches:
``Surrogate-Key: site faqs`` (Fastly, Varnish; space-separated) and
``Cache-Tag: site,faqs`` (Cloudflare; comma-separated). ``site`` is the
frame every page shares (the header, the footer with the clinic's details);
the guide's views add the rest (a page's slug, ``faqs``, ``glossary``,
``pages`` for lists of pages). Fastly and Cloudflare strip these headers
before a patient's browser sees them; either way they name only public
content.

Purging. With ``CDN_PURGE_URL`` set, a publish has the Tasks worker POST
what changed there (guide/tasks.py retries), with ``CDN_PURGE_TOKEN`` as
``Authorization: Bearer <token>``, in Cloudflare's shape: ``{"files":
[full URLs]}`` (at most 30 a request, Cloudflare's limit), or
``{"purge_everything": true}`` when any page may have changed. Cloudflare's
endpoint is ``https://api.cloudflare.com/client/v4/zones/<zone id>/purge_cache``
with an API token allowed "Cache Purge". Other CDNs take other shapes; each
is one function from the changed URLs (None: everything) to request bodies,
like ``cloudflare_bodies`` below:

- Fastly: ``POST https://api.fastly.com/purge/<host>/<path>`` for each URL,
  or ``POST https://api.fastly.com/service/<id>/purge_all``; the token goes
  in a ``Fastly-Key`` header, not ``Authorization``. By content instead:
  ``POST /service/<id>/purge`` with ``Surrogate-Key: faqs glossary``.
- CloudFront: ``CreateInvalidation`` with ``{"Paths": {"Quantity": 2,
  "Items": ["/faqs/", "/glossary/"]}, "CallerReference": "<unique>"}``, or
  ``"/*"`` for everything. AWS signs requests (SigV4) rather than taking a
  bearer token, so point ``CDN_PURGE_URL`` at a small relay of your own
  (a Lambda function URL) that accepts the Cloudflare shape above.

docs/operations.md has the settings for each. Nothing here reads a request
or a patient's data: a purge names public pages only.
"""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings

logger = logging.getLogger("radiology_guide.cdn")

#: The shared frame of every page (header, navigation, footer, clinic details).
SITE_KEY = "site"
#: Cloudflare accepts at most 30 URLs in one purge request (Free to Business plans).
CLOUDFLARE_FILES_PER_REQUEST = 30
TIMEOUT_SECONDS = 10


def tag(response, keys):
    """Name content ``keys`` on ``response``. They become its Surrogate-Key
    and Cache-Tag headers only if the page cache stores it (``write_keys``):
    a response to a signed-in reader, or with a form on it, names nothing."""
    response.content_keys = [*getattr(response, "content_keys", ()), *keys]
    return response


def write_keys(response):
    """The headers for a page the page cache stores: ``site`` and the keys
    its view named, each once."""
    keys = list(dict.fromkeys([SITE_KEY, *getattr(response, "content_keys", ())]))
    response["Surrogate-Key"] = " ".join(keys)
    response["Cache-Tag"] = ",".join(keys)


def is_configured():
    return bool(settings.CDN_PURGE_URL)


def full_urls(paths):
    """The addresses a CDN caches ``paths`` under (from ``SITE_URL``)."""
    return [settings.SITE_URL + path for path in paths]


def cloudflare_bodies(urls):
    """Cloudflare's purge requests for ``urls`` (None: everything)."""
    if urls is None:
        return [{"purge_everything": True}]
    urls = sorted(set(urls))
    step = CLOUDFLARE_FILES_PER_REQUEST
    return [{"files": urls[start : start + step]} for start in range(0, len(urls), step)]


class PurgeFailed(Exception):
    """The CDN did not accept a purge; the message says why, in a few words
    that are safe to log (a status or an error's name, never a body)."""


def purge(urls):
    """Ask the CDN to drop ``urls`` (full addresses; None: everything).
    Does nothing without ``CDN_PURGE_URL``; raises PurgeFailed."""
    if not is_configured():
        return 0
    headers = {"Content-Type": "application/json", "User-Agent": "radiology-guide-purge"}
    if settings.CDN_PURGE_TOKEN:
        headers["Authorization"] = f"Bearer {settings.CDN_PURGE_TOKEN}"
    bodies = cloudflare_bodies(urls)
    for body in bodies:
        request = urllib.request.Request(  # noqa: S310 - CDN_PURGE_URL is checked to be http(s) (config.py)
            settings.CDN_PURGE_URL, data=json.dumps(body).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                answer = response.read(65536)
        except urllib.error.HTTPError as error:
            raise PurgeFailed(f"status={error.code}") from None
        except (OSError, ValueError) as error:
            raise PurgeFailed(f"error={type(error).__name__}") from None
        if not _accepted(answer):
            raise PurgeFailed("status=200 success=false")
    return len(bodies)


def _accepted(answer):
    """Cloudflare answers {"success": true, ...}; a CDN or relay that answers
    a 2xx with no JSON body accepted it too."""
    try:
        return json.loads(answer).get("success", True) is not False
    except (ValueError, AttributeError):
        return True
