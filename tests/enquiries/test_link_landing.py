"""A patient's enquiry link opens their page itself, with the enquiry form
ready and the related pages below; whatever is typed into the code box at
/e/ gets a page, never a server error."""

import pytest

from radiology_guide.enquiries.models import EnquiryLink
from radiology_guide.guide.models import Page

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["a/b", "/", "../../etc", "7K3M/9QXP", "%2F", "x" * 500])
def test_any_code_typed_at_e_gets_the_check_the_address_page(client, code):
    response = client.get("/e/", {"code": code}, follow=True)
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Check the address</h1>" in html and 'name="form_token"' in html


def test_the_form_on_the_check_the_address_page_sends_to_the_general_form(client, valid_post):
    html = client.get("/e/", {"code": "a/b"}).content.decode()
    assert '<form method="post" action="/enquire/"' in html


@pytest.fixture
def link():
    return EnquiryLink.objects.create(topic="lung-biopsy", topic_title="Lung biopsy")


def test_a_link_opens_the_page_itself_with_the_form_and_then_related_pages(client, link):
    page = Page.objects.get(slug="lung-biopsy")
    html = client.get(link.get_absolute_url()).content.decode()
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert main.count("<h1>") == 1 and f"<h1>{page.title}</h1>" in main
    assert main.count(page.summary) == 1  # the page's own summary, once
    # The page itself: its sections and safety information, as on the guide.
    for heading in ("How do I prepare?", "What are the risks?", "When to get help"):
        assert heading in main, heading
    form = main.index('<form method="post"')
    assert main.index("When to get help") < form
    assert '<option value="lung-biopsy" selected>' in main
    # Related pages, as a list below the form, no cards for other tests.
    assert 'class="card' not in main
    related = main.index('id="related-heading"')
    assert form < related
    for other in page.related_pages():
        assert f'href="{other.get_absolute_url()}"' in main[related:]


def test_a_link_page_does_not_send_the_patient_to_the_general_form(client, link):
    main = client.get(link.get_absolute_url()).content.decode().split('<main id="main"', 1)[1]
    # An enquiry sent from the general form would lose the link.
    assert 'href="/enquire/?topic=' not in main
    assert main.count("There is a problem") == 0


def test_a_link_page_with_a_mistake_shows_one_error_summary(client, link, valid_post):
    html = client.post(link.get_absolute_url(), valid_post(name="", topic="lung-biopsy")).content.decode()
    assert html.count('class="govuk-error-summary"') == 1
