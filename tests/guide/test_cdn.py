"""Ready for a CDN: public pages say how long they may be kept (and kept
while the server is down) and name the content on them; a publish asks the
CDN to purge what changed, tested against a small purge endpoint of ours."""

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from radiology_guide import config
from radiology_guide.core import cdn
from radiology_guide.guide import publishing
from radiology_guide.guide.cdn import PURGE_RETRY_DELAYS
from radiology_guide.guide.models import FAQ, GlossaryTerm, Page

pytestmark = pytest.mark.django_db

TOKEN = "cf-test-token_0123456789"
SITE = "https://guide.example.org"


def keys(response):
    return response["Surrogate-Key"].split()


# ---------------------------------------------------------------------------
# Headers


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/", {"site", "home", "pages"}),
        ("/faqs/", {"site", "faqs"}),
        ("/glossary/", {"site", "glossary"}),
        ("/compare/", {"site", "compare"}),
        ("/procedures/", {"site", "procedures", "pages"}),
        ("/guide/diagnostic-radiology/", {"site", "diagnostic-radiology", "pages", "glossary"}),
        ("/procedures/ct-scan/", {"site", "ct-scan", "pages", "glossary"}),
        ("/procedures/ct-scan/summary/", {"site", "ct-scan"}),
        ("/procedures/ct-scan/large-print/", {"site", "ct-scan", "pages", "glossary"}),
        ("/site-map/", {"site", "site-map", "pages"}),
        ("/robots.txt", {"site"}),
    ],
)
def test_public_pages_name_their_content_for_a_cdn_and_may_be_kept_stale(client, path, expected):
    for fetch in ("miss", "hit"):
        response = client.get(path)
        assert response.status_code == 200 and response["X-Cache"] == fetch
        assert set(keys(response)) == expected
        assert response["Cache-Tag"].split(",") == keys(response)  # Cloudflare's spelling of the same keys
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"public", "max-age=300", "stale-while-revalidate=60", "stale-if-error=86400"} <= cache_control


@pytest.mark.parametrize(
    "path", ["/enquire/", "/enquire/?topic=ct-scan", "/e/7K3M-9QXP-4DRA", "/admin/login/", "/account/two-factor/"]
)
def test_forms_and_personal_pages_stay_private_and_name_nothing(client, path):
    response = client.get(path)
    cache_control = response.get("Cache-Control", "")
    assert "public" not in cache_control and "stale-if-error" not in cache_control
    assert "Surrogate-Key" not in response and "Cache-Tag" not in response
    if response.status_code == 200:
        assert "no-store" in cache_control or "private" in cache_control


@pytest.mark.parametrize("path", ["/staff/", "/admin/", "/feedback/"])
def test_staff_areas_are_never_public(client, path):
    response = client.get(path)
    assert "public" not in response.get("Cache-Control", "") and "Surrogate-Key" not in response


def test_a_reader_with_a_session_gets_no_cdn_headers_on_a_public_page(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/faqs/")
    assert "public" not in response.get("Cache-Control", "")
    assert "Surrogate-Key" not in response and "Cache-Tag" not in response


# ---------------------------------------------------------------------------
# A purge endpoint of ours


class PurgeEndpoint:
    """A CDN's purge API on a free local port: records each request and
    answers with the next of ``answers``, then ``status`` (a good CDN: 200
    and Cloudflare's success body)."""

    def __init__(self):
        self.requests = []
        self.answers = []
        self.status = 200
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                endpoint.requests.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(body)})
                status = endpoint.answers.pop(0) if endpoint.answers else endpoint.status
                answer = {"success": status == 200, "errors": [{"message": "secret-internal-detail"}]}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/client/v4/zones/zone-1/purge_cache"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def bodies(self):
        return [request["json"] for request in self.requests]


@pytest.fixture
def purge_endpoint(settings):
    endpoint = PurgeEndpoint()
    endpoint.thread.start()
    settings.CDN_PURGE_URL = endpoint.url
    settings.CDN_PURGE_TOKEN = TOKEN
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "guide.example.org"]
    # Each publish here would first warm every public page (building the
    # whole site, seconds each time); that task is tested in
    # test_page_warming.py, and what is purged does not depend on it.
    settings.PAGE_CACHE_SECONDS = 0
    yield endpoint
    endpoint.server.shutdown()
    endpoint.server.server_close()


def publish_committed(django_capture_on_commit_callbacks, obj):
    """Publish ``obj`` and run what follows its commit (the tasks)."""
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(obj, None)


def test_a_changed_page_is_purged_by_its_full_addresses_with_the_bearer_token(
    purge_endpoint, django_capture_on_commit_callbacks
):
    page = Page.objects.get(slug="ct-scan")
    page.body += "\n\nOne more plain sentence about the scan."
    publish_committed(django_capture_on_commit_callbacks, page)

    [request] = purge_endpoint.requests
    assert request["path"] == "/client/v4/zones/zone-1/purge_cache"
    assert request["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["json"] == {
        "files": [
            f"{SITE}/procedures/ct-scan/",
            f"{SITE}/procedures/ct-scan/large-print/",
            f"{SITE}/procedures/ct-scan/summary/",
            f"{SITE}/sitemap.xml",
        ]
    }


def test_an_faq_purges_the_faqs_page(purge_endpoint, django_capture_on_commit_callbacks):
    faq = FAQ.objects.first()
    faq.answer += " Ask the team if you are unsure."
    publish_committed(django_capture_on_commit_callbacks, faq)
    assert purge_endpoint.bodies == [{"files": [f"{SITE}/faqs/", f"{SITE}/sitemap.xml"]}]


@pytest.mark.parametrize("change", ["title", "glossary", "delete", "clinic"])
def test_a_change_other_pages_show_purges_everything(purge_endpoint, django_capture_on_commit_callbacks, change):
    with django_capture_on_commit_callbacks(execute=True):
        if change == "title":  # named in the lists, and by previous/next and related links
            page = Page.objects.get(slug="ct-scan")
            page.title = "CT (computed tomography) scan"
            publishing.publish(page, None)
        elif change == "glossary":  # linked from the words of many pages
            term = GlossaryTerm.objects.first()
            term.definition += " More plainly put."
            publishing.publish(term, None)
        elif change == "delete":
            publishing.delete([FAQ.objects.first()])
        else:  # the clinic's details are in every page's footer
            from radiology_guide.core.models import ClinicDetails

            details = ClinicDetails.load()
            details.phone = "01632 960 123"
            details.save()
    assert purge_endpoint.bodies == [{"purge_everything": True}]


def test_more_addresses_than_cloudflare_takes_at_once_go_in_several_requests():
    urls = [f"{SITE}/page-{number}/" for number in range(65)]
    bodies = cdn.cloudflare_bodies(urls)
    assert [len(body["files"]) for body in bodies] == [30, 30, 5]
    assert sorted(url for body in bodies for url in body["files"]) == sorted(urls)


def test_a_failing_cdn_is_tried_again_then_given_up_with_a_log_line_that_holds_no_secrets(
    purge_endpoint, django_capture_on_commit_callbacks, caplog
):
    purge_endpoint.status = 500
    page = Page.objects.get(slug="ct-scan")
    page.body += "\n\nOne more plain sentence about the scan."
    with caplog.at_level(logging.WARNING, logger="radiology_guide.cdn"):
        publish_committed(django_capture_on_commit_callbacks, page)

    # The first try and one for each delay (the immediate backend of the
    # tests cannot wait; the worker waits 30 s, 2 and 10 minutes).
    assert len(purge_endpoint.requests) == 1 + len(PURGE_RETRY_DELAYS)
    assert len({json.dumps(body) for body in purge_endpoint.bodies}) == 1
    lines = [record.getMessage() for record in caplog.records if record.name == "radiology_guide.cdn"]
    assert lines[-1] == "cdn purge gave up attempts=4 urls=4 status=500"
    assert lines[:-1] == [f"cdn purge failed attempt={n} urls=4 status=500" for n in (1, 2, 3)]
    logged = "\n".join(lines)
    assert TOKEN not in logged and "secret-internal-detail" not in logged and "guide.example.org" not in logged


def test_a_cdn_that_cannot_be_reached_is_given_up_too(purge_endpoint, caplog):
    from radiology_guide.guide.cdn import purge_cdn

    purge_endpoint.server.shutdown()
    purge_endpoint.server.server_close()  # nothing listens there now
    with caplog.at_level(logging.WARNING, logger="radiology_guide.cdn"):
        purge_cdn.enqueue(None)
    assert caplog.records[-1].getMessage() == "cdn purge gave up attempts=4 everything error=URLError"


def test_a_good_cdn_after_a_failure_is_purged_once(purge_endpoint):
    from radiology_guide.guide.cdn import purge_cdn

    purge_endpoint.answers = [503]
    result = purge_cdn.enqueue(["/faqs/"])
    assert len(purge_endpoint.requests) == 2
    assert result.return_value is False  # the first try; the second one succeeded
    assert purge_endpoint.bodies[-1] == {"files": [f"{SITE}/faqs/"]}


def test_with_no_purge_url_nothing_is_sent(purge_endpoint, settings, django_capture_on_commit_callbacks):
    settings.CDN_PURGE_URL = ""
    settings.CDN_PURGE_TOKEN = ""
    page = Page.objects.get(slug="ct-scan")
    page.title = "CT (computed tomography) scan"
    publish_committed(django_capture_on_commit_callbacks, page)
    assert purge_endpoint.requests == []


# ---------------------------------------------------------------------------
# Settings


@pytest.mark.parametrize(
    "url, site_url_set, problem",
    [
        ("", False, None),
        ("https://api.cloudflare.com/client/v4/zones/abc/purge_cache", True, None),
        ("http://127.0.0.1:9000/purge", True, None),  # a relay on this machine
        ("http://cdn.example.org/purge", True, "in clear"),
        ("ftp://cdn.example.org/purge", True, "https://"),
        ("api.cloudflare.com/purge", True, "https://"),
        ("https://user:secret@api.example.org/purge", True, "no user"),
        ("https://api.example.org:port/purge", True, "port"),
        ("https://api.cloudflare.com/client/v4/zones/abc/purge_cache", False, "SITE_URL"),
    ],
)
def test_the_purge_url_is_read_strictly(url, site_url_set, problem):
    if problem is None:
        assert config.cdn_purge_url("CDN_PURGE_URL", url, site_url_set) == url
    else:
        with pytest.raises(ImproperlyConfigured, match=problem):
            config.cdn_purge_url("CDN_PURGE_URL", url, site_url_set)


@pytest.mark.parametrize(
    "token, purge_url, problem",
    [
        ("", "", None),
        ("AbC-123_xyz.~+/==", "https://purge.example.org/", None),
        ("a-token", "", "CDN_PURGE_URL is not"),
        ("a token", "https://purge.example.org/", "bearer token"),
        ("a-token\nX-Injected: 1", "https://purge.example.org/", "bearer token"),
    ],
)
def test_the_purge_token_is_read_strictly_and_never_repeated(token, purge_url, problem):
    if problem is None:
        assert config.cdn_purge_token("CDN_PURGE_TOKEN", token, purge_url) == token
    else:
        with pytest.raises(ImproperlyConfigured, match=problem) as error:
            config.cdn_purge_token("CDN_PURGE_TOKEN", token, purge_url)
        assert token not in str(error.value)
