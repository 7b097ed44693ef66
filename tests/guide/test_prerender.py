"""Guide pages are rendered when content changes, not per request, and a
change to one page shows at once on every page that names it."""

import pytest

from radiology_guide.guide import publishing
from radiology_guide.guide.models import GlossaryTerm, Page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0  # what is asserted here is the stored HTML


def test_a_guide_page_is_served_from_one_query(client, django_assert_num_queries):
    client.get("/guide/what-to-expect/")  # the clinic details reach the cache
    for path in ("/guide/what-to-expect/", "/procedures/ct-scan/"):
        with django_assert_num_queries(1):
            assert client.get(path).status_code == 200


def test_renaming_a_page_renames_the_links_to_it_on_other_pages(client):
    page = Page.objects.get(slug="what-to-expect")
    page.title = "Your appointment, step by step"
    publishing.publish(page, None)
    linking = client.get("/guide/diagnostic-radiology/").content.decode()  # lists it under "Related pages"
    assert '<a href="/guide/what-to-expect/">Your appointment, step by step</a>' in linking


def test_moving_a_section_changes_previous_and_next_on_its_neighbours(client):
    assert (
        'rel="next" href="/guide/interventional-radiology/"'
        in client.get("/guide/diagnostic-radiology/").content.decode()
    )
    page = Page.objects.get(slug="interventional-radiology")
    page.order = 999
    publishing.publish(page, None)
    html = client.get("/guide/diagnostic-radiology/").content.decode()
    assert 'href="/guide/interventional-radiology/"><span>Next' not in html
    assert 'rel="next" href="/guide/interventional-radiology/"' not in html


def test_deleting_a_page_removes_the_links_to_it(client):
    publishing.delete([Page.objects.get(slug="what-to-expect")])
    assert 'href="/guide/what-to-expect/"' not in client.get("/guide/diagnostic-radiology/").content.decode()


def test_a_glossary_change_shows_on_guide_pages(client):
    assert 'href="/glossary/#radiographer"' in client.get("/guide/diagnostic-radiology/").content.decode()
    publishing.delete([GlossaryTerm.objects.get(slug="radiographer")])
    assert 'href="/glossary/#radiographer"' not in client.get("/guide/diagnostic-radiology/").content.decode()


def test_a_page_not_yet_rendered_is_rendered_on_request(client):
    Page.objects.filter(slug="what-to-expect").update(main_html="")  # as straight after an upgrade
    html = client.get("/guide/what-to-expect/").content.decode()
    assert "Last updated" in html and "Related pages" in html
