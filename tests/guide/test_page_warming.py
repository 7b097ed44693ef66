"""No cold pages after a publish: the Tasks worker builds every public page
into the shared cache again, as a patient's request would, so the first
patient on each page is served from the cache."""

import logging

import pytest

from radiology_guide.guide import publishing
from radiology_guide.guide.cdn import public_paths
from radiology_guide.guide.models import Page
from radiology_guide.guide.sitemaps import SITEMAPS
from radiology_guide.guide.sync import sync_content

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("warming")]


@pytest.fixture
def site_is_testserver(settings):
    """The public address is the test client's, so warmed pages are under
    the keys the test client's requests look up."""
    settings.SITE_URL = "http://testserver"


def test_every_sitemap_page_is_warmed_and_nothing_personal(client):
    sitemaps = [sitemap() for sitemap in SITEMAPS.values()]
    locations = {sitemap.location(item) for sitemap in sitemaps for item in sitemap.items()}
    paths = public_paths()
    assert locations - set(paths) == {"/enquire/"}  # a form: never cached
    assert {"/sitemap.xml", "/robots.txt", "/procedures/ct-scan/summary/"} <= set(paths)
    assert len(paths) == len(set(paths))
    for path in paths:
        assert client.get(path).status_code == 200, path


def publish_summary(slug, summary):
    page = Page.objects.get(slug=slug)
    page.summary = summary
    publishing.publish(page, None)


def test_after_a_publish_every_public_page_is_a_cache_hit(
    client, site_is_testserver, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.INFO, logger="radiology_guide.pagecache"):
        with django_capture_on_commit_callbacks(execute=True):
            publish_summary("what-to-expect", "What the day is like, from arriving to going home.")
    paths = public_paths()
    assert f"page cache warmed stored={len(paths)} current=0 not_stored=0" in caplog.text
    for path in paths:
        response = client.get(path)
        assert (response.status_code, response["X-Cache"]) == (200, "hit"), path
    assert "What the day is like, from arriving to going home." in client.get("/guide/what-to-expect/").text


def test_a_warmed_page_is_the_page_a_patient_would_have_built(
    client, site_is_testserver, django_capture_on_commit_callbacks
):
    built = client.get("/faqs/")
    with django_capture_on_commit_callbacks(execute=True):
        page = Page.objects.get(slug="ct-scan")
        page.body += "\n\nOne more plain sentence about the scan."
        publishing.publish(page, None)  # retires every page, /faqs/ included
    warmed = client.get("/faqs/")
    assert (built["X-Cache"], warmed["X-Cache"]) == ("miss", "hit")
    assert warmed.content == built.content
    per_response = {"date", "x-cache", "x-request-id", "etag", "last-modified"}
    assert {k: v for k, v in built.items() if k.lower() not in per_response} == {
        k: v for k, v in warmed.items() if k.lower() not in per_response
    }


def test_a_patient_who_asks_before_the_worker_gets_the_new_page_at_once_without_waiting(
    client, site_is_testserver, django_capture_on_commit_callbacks
):
    client.get("/guide/what-to-expect/")
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        publish_summary("what-to-expect", "A summary published a moment ago.")
    # The worker has not run yet: this patient's request builds the page
    # itself (no lock, no old copy).
    response = client.get("/guide/what-to-expect/")
    assert response.status_code == 200 and response["X-Cache"] == "miss"
    assert "A summary published a moment ago." in response.text
    for callback in after_commit:  # the commit, then the worker
        callback()
    assert client.get("/guide/what-to-expect/")["X-Cache"] == "hit"
    assert client.get("/faqs/")["X-Cache"] == "hit"


def test_a_sync_warms_every_page_too(client, site_is_testserver, content_copy, django_capture_on_commit_callbacks):
    faqs = content_copy / "faqs.md"
    faqs.write_text(
        faqs.read_text().replace("Answers to questions people often ask", "Answers to questions often asked")
    )
    with django_capture_on_commit_callbacks(execute=True):
        sync_content(content_copy)
    assert all(client.get(path)["X-Cache"] == "hit" for path in public_paths())


def test_over_https_behind_a_proxy_the_warmed_pages_are_those_patients_ask_for(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://testserver"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    with django_capture_on_commit_callbacks(execute=True):
        publish_summary("what-to-expect", "Warmed for the address patients use.")
    # As the TLS proxy passes a patient's request on: the Host they asked for, and the scheme.
    assert client.get("/faqs/", headers={"host": "testserver", "x-forwarded-proto": "https"})["X-Cache"] == "hit"
    assert client.get("/faqs/", secure=True)["X-Cache"] == "hit"


def test_with_the_page_cache_off_nothing_is_warmed(
    client, settings, site_is_testserver, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        publish_summary("what-to-expect", "Nothing to warm.")
    settings.PAGE_CACHE_SECONDS = 300
    assert client.get("/faqs/")["X-Cache"] == "miss"


def test_a_page_that_is_gone_is_skipped_and_the_warming_shows_in_the_log_by_its_id(client, site_is_testserver, caplog):
    from radiology_guide.core.warming import warm

    with caplog.at_level(logging.INFO, logger="radiology_guide.request"):
        counts = warm(["/faqs/", "/guide/a-page-since-deleted/", "/glossary/"])
    assert counts == {"stored": 2, "current": 0, "not_stored": 1}
    ids = {line.split("id=")[1].split()[0] for line in caplog.messages if line.startswith("request ")}
    assert len(ids) == 1 and ids.pop().startswith("warm-")
    assert client.get("/glossary/")["X-Cache"] == "hit"
