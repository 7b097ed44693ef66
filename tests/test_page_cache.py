"""Public pages are served from the shared cache, revalidate with 304s, and
change on the next request after any content edit."""

import gzip
import io
import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from radiology_guide.config import cache_from_url
from radiology_guide.core.pagecache import PageCacheMiddleware
from radiology_guide.guide import publishing
from radiology_guide.guide.models import Page
from radiology_guide.wsgi import application  # here: importing it sets Django up (and its logging) again

pytestmark = pytest.mark.django_db


def test_second_request_is_a_cache_hit_with_no_queries(client, django_assert_num_queries):
    first = client.get("/guide/diagnostic-radiology/")
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/guide/diagnostic-radiology/")
    assert second["X-Cache"] == "hit" and second.content == first.content


def test_public_pages_are_cacheable_by_a_cdn_and_revalidate_with_304(client):
    response = client.get("/faqs/")
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert "stale-while-revalidate=60" in response["Cache-Control"]
    assert response["ETag"] and response["Last-Modified"]
    again = client.get("/faqs/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""
    since = client.get("/faqs/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304
    changed = client.get("/faqs/", HTTP_IF_NONE_MATCH='"something-else"')
    assert changed.status_code == 200 and changed.content


def test_a_published_change_shows_on_the_next_request(client):
    client.get("/guide/what-to-expect/")
    page = Page.objects.get(slug="what-to-expect")
    page.summary = "A brand new summary."
    publishing.publish(page, None)
    response = client.get("/guide/what-to-expect/")
    assert response["X-Cache"] == "miss" and "A brand new summary." in response.content.decode()


def test_an_emptied_shared_cache_never_brings_back_an_old_page(client):
    """As when Redis restarts: pages kept by this process from before must not
    look current again, even those made before any content change."""
    client.get("/guide/what-to-expect/")  # kept by this process
    page = Page.objects.get(slug="what-to-expect")
    page.summary = "A summary written after the first visit."
    publishing.publish(page, None)
    cache.clear()
    response = client.get("/guide/what-to-expect/")
    assert response["X-Cache"] == "miss" and "A summary written after the first visit." in response.content.decode()


def test_staff_with_a_session_are_never_served_or_stored_from_the_cache(client, admin_user):
    client.force_login(admin_user)
    assert "X-Cache" not in client.get("/").headers
    client.logout()
    assert client.get("/")["X-Cache"] == "miss"


@pytest.mark.parametrize("path", ["/enquire/", "/enquire/?topic=ct-scan", "/e/some-token", "/staff/", "/healthz"])
def test_personal_pages_are_never_cached(client, path):
    for _ in range(2):
        response = client.get(path)
        assert "X-Cache" not in response.headers
    if path.startswith(("/enquire", "/e/")):
        assert "no-store" in response["Cache-Control"]


def test_csp_header_is_present_on_cached_pages_too(client):
    client.get("/")
    response = client.get("/")
    assert response["X-Cache"] == "hit"
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_a_cached_page_carries_the_same_headers_as_the_page_it_was_stored_from(client):
    per_response = {"date", "x-cache", "x-request-id"}
    first = client.get("/compare/")
    second = client.get("/compare/")
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    assert {k: v for k, v in first.items() if k.lower() not in per_response} == {
        k: v for k, v in second.items() if k.lower() not in per_response
    }
    assert second["X-Frame-Options"] == "DENY" and second["Referrer-Policy"] == "same-origin"
    assert second["X-Request-Id"] != first["X-Request-Id"]


@override_settings(SECURE_SSL_REDIRECT=True)
def test_a_plain_http_request_is_redirected_even_when_the_page_is_cached(client):
    assert client.get("/glossary/", secure=True).status_code == 200
    assert client.get("/glossary/", secure=True)["X-Cache"] == "hit"
    response = client.get("/glossary/")
    assert response.status_code == 301 and response["Location"] == "https://testserver/glossary/"


def test_a_page_that_used_a_csp_nonce_is_never_stored():
    """A nonce must differ on every response, so such a page is never shared."""
    rendered = []

    def view(request):
        rendered.append(request)
        response = HttpResponse("<script nonce='abc'></script>")
        response["Content-Security-Policy"] = "script-src 'self' 'nonce-abc'"
        return response

    middleware = PageCacheMiddleware(view)
    for _ in range(2):
        assert "X-Cache" not in middleware(RequestFactory().get("/a-page-with-a-script/"))
    assert len(rendered) == 2


def test_a_request_for_an_unknown_host_is_refused_not_served_from_the_cache(client):
    client.get("/faqs/")
    assert client.get("/faqs/", HTTP_HOST="evil.example").status_code == 400


def test_page_cache_off_when_seconds_is_zero(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/")
    assert "X-Cache" not in client.get("/").headers


SHARED_REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.mark.parametrize("shared", ["redis", "file"])
def test_a_change_in_another_process_retires_this_process_cached_pages(client, shared, tmp_path):
    """Two processes sharing one cache (Redis for several servers, a folder
    for the workers of one server): a save in one is seen by the other."""
    cache_url = SHARED_REDIS if shared == "redis" else f"file://{tmp_path / 'cache'}"
    with override_settings(CACHES={"default": cache_from_url("CACHE_URL", cache_url)}):
        client.get("/guide/emerging-trends/")
        assert client.get("/guide/emerging-trends/")["X-Cache"] == "hit"
        other_process = (
            "import django; django.setup()\n"
            "from radiology_guide.core.cache import bump_content_version\n"
            "bump_content_version()"
        )
        subprocess.run(  # noqa: S603 - a fixed command
            [sys.executable, "-c", other_process],
            check=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "radiology_guide.settings", "CACHE_URL": cache_url},
        )
        assert client.get("/guide/emerging-trends/")["X-Cache"] == "miss"


def wsgi_get(path, **headers):
    """One request straight to the production WSGI application, as granian makes it."""
    environ = {
        "REQUEST_METHOD": headers.pop("method", "GET"),
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        **{"HTTP_" + name.upper(): value for name, value in headers.items()},
    }
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(response_headers)

    # As Django's test client does: keep the test's database connection open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(application(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], body


def test_a_cached_page_is_answered_before_django_with_the_same_bytes_and_headers(django_assert_num_queries, caplog):
    status, first_headers, first = wsgi_get("/guide/what-to-expect/")
    assert status.startswith("200") and first_headers["X-Cache"] == "miss"
    caplog.set_level("INFO")
    with django_assert_num_queries(0):
        status, headers, body = wsgi_get("/guide/what-to-expect/")
    assert status == "200 OK" and headers["X-Cache"] == "hit" and body == first
    for name in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "Cache-Control",
        "ETag",
        "Content-Type",
        "Content-Length",
    ):
        assert headers[name] == first_headers[name]
    assert headers["X-Request-Id"] != first_headers["X-Request-Id"]
    assert "path=/guide/what-to-expect/ status=200" in caplog.text  # logged like every other request


def test_revalidation_head_and_staff_requests_go_through_django(client, admin_user):
    _, headers, _ = wsgi_get("/faqs/")
    status, _, body = wsgi_get("/faqs/", if_none_match=headers["ETag"])
    assert status.startswith("304") and body == b""
    status, _, body = wsgi_get("/faqs/", method="HEAD")
    assert status.startswith("200")
    client.force_login(admin_user)
    session = client.cookies["sessionid"].value
    _, staff_headers, _ = wsgi_get("/faqs/", cookie=f"sessionid={session}")
    assert "X-Cache" not in staff_headers


def test_an_unknown_host_is_refused_not_served_before_django():
    wsgi_get("/glossary/")
    status, _, _ = wsgi_get("/glossary/", host="evil.example")
    assert status.startswith("400")


def test_a_browser_that_accepts_gzip_gets_the_page_compressed_with_its_own_etag(client):
    plain = client.get("/glossary/")
    assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]
    first = client.get("/ur/glossary/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert first["X-Cache"] == "miss" and first["Content-Encoding"] == "gzip"
    again = client.get("/glossary/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert again["X-Cache"] == "hit" and again["Content-Encoding"] == "gzip"
    # The same words, in a third of the bytes or less, with the length sent.
    assert gzip.decompress(again.content) == plain.content
    assert len(again.content) * 3 < len(plain.content) and again["Content-Length"] == str(len(again.content))
    assert again["ETag"] != plain["ETag"] and "Accept-Encoding" in again["Vary"]
    # Each copy revalidates with its own ETag only.
    assert client.get("/glossary/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=again["ETag"]).status_code == 304
    assert client.get("/glossary/", HTTP_IF_NONE_MATCH=again["ETag"]).status_code == 200


@pytest.mark.parametrize("refused", ["identity", "gzip;q=0", "br", "deflate, gzip; q=0.0"])
def test_a_client_that_refuses_gzip_gets_the_page_as_it_is(client, refused):
    client.get("/faqs/")
    response = client.get("/faqs/", HTTP_ACCEPT_ENCODING=refused)
    assert response["X-Cache"] == "hit" and "Content-Encoding" not in response
    assert b"</html>" in response.content


def test_a_page_answered_before_django_is_gzipped_for_a_browser_that_accepts_it():
    _, plain_headers, plain = wsgi_get("/guide/what-to-expect/")
    status, headers, body = wsgi_get("/guide/what-to-expect/", accept_encoding="gzip")
    assert status == "200 OK" and headers["X-Cache"] == "hit" and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == plain and headers["Content-Length"] == str(len(body))
    assert headers["Content-Security-Policy"] == plain_headers["Content-Security-Policy"]


def test_a_page_with_a_form_token_is_never_compressed(client):
    # BREACH: a secret in a compressed page can be guessed from its size.
    response = client.get("/enquire/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and "Content-Encoding" not in response
    assert b"csrfmiddlewaretoken" in response.content
