"""Public pages are served from the shared cache, revalidate with 304s, and
change on the next request after any content edit."""

import os
import subprocess
import sys

import pytest
from django.test import override_settings

from radiology_guide.guide.models import Page
from radiology_guide.settings import cache_from_url

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


def test_an_admin_save_shows_on_the_next_request(client):
    client.get("/guide/what-to-expect/")
    page = Page.objects.get(slug="what-to-expect")
    page.summary = "A brand new summary."
    page.save()
    response = client.get("/guide/what-to-expect/")
    assert response["X-Cache"] == "miss" and "A brand new summary." in response.content.decode()


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


def test_page_cache_off_when_seconds_is_zero(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/")
    assert "X-Cache" not in client.get("/").headers


SHARED_REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@override_settings(CACHES={"default": cache_from_url(SHARED_REDIS)})
def test_a_change_in_another_process_retires_this_process_cached_pages(client):
    """Two processes sharing one Redis cache: a save in one is seen by the other."""
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
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "radiology_guide.settings", "CACHE_URL": SHARED_REDIS},
    )
    assert client.get("/guide/emerging-trends/")["X-Cache"] == "miss"
