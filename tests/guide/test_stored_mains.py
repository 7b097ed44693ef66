"""Site pages keep the inside of their <main> per content version
(guide/pages.py stored_main), and printable summaries store theirs
(summary_html): never one change behind, with the page cache off so that
only the kept copies are in play."""

import pytest

from radiology_guide.core.models import ClinicDetails
from radiology_guide.guide import pages, publishing
from radiology_guide.guide.models import FAQ, Page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0
    pages.forget_stored_mains()


def test_a_published_title_shows_at_once_on_the_home_page_and_the_lists(client):
    for path in ("/", "/procedures/", "/site-map/"):
        assert "CT scan" in client.get(path).text
    page = Page.objects.get(slug="ct-scan")
    page.title = "CT (computed tomography) scan"
    publishing.publish(page, None)
    for path in ("/", "/procedures/", "/site-map/"):
        assert "CT (computed tomography) scan" in client.get(path).text, path


def test_a_published_faq_shows_at_once(client):
    client.get("/faqs/")
    faq = FAQ.objects.first()
    faq.question = "Can somebody come into the scan room with me?"
    publishing.publish(faq, None)
    assert "Can somebody come into the scan room with me?" in client.get("/faqs/").text


def test_the_clinic_phone_number_changes_inside_the_home_page_main(client):
    client.get("/")
    clinic = ClinicDetails.load()
    clinic.phone = "020 7946 0999"
    clinic.save()
    main = client.get("/").text.split("<main", 1)[1].split("</main>", 1)[0]
    assert "020 7946 0999" in main


def test_a_filtered_list_is_rendered_for_its_filter_and_the_whole_list_kept(client):
    whole = client.get("/procedures/").text
    scans = client.get("/procedures/?kind=scan").text
    assert len(scans) < len(whole)
    assert "Angioplasty" not in scans and "Angioplasty" in whole
    assert client.get("/procedures/").text == whole


def test_with_debug_on_a_template_is_rendered_on_every_request(client, settings):
    client.get("/faqs/")
    settings.DEBUG = True
    faq = FAQ.objects.first()
    FAQ.objects.filter(pk=faq.pk).update(question="Changed without a publish")  # no new content version
    assert "Changed without a publish" in client.get("/faqs/").text


def test_a_summary_is_stored_with_the_page_and_shown_from_there(client):
    page = Page.objects.get(slug="ct-scan")
    assert page.summary_html and "summary to print" in page.summary_html
    Page.objects.filter(pk=page.pk).update(summary_html=page.summary_html.replace("summary to print", "STORED"))
    assert "CT scan: STORED" in client.get("/procedures/ct-scan/summary/").text
