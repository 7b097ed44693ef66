"""The enquiry form's topics are the scans and procedures, and "Something
else", each short enough to read once chosen on a phone."""

import re

import pytest

from radiology_guide.enquiries.forms import short_topic
from radiology_guide.enquiries.models import Enquiry, EnquiryLink
from radiology_guide.guide.models import Page

pytestmark = pytest.mark.django_db


def options(html):
    select = re.search(r'<select[^>]*name="topic".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def test_the_topics_are_the_scans_and_procedures_and_something_else(client):
    found = options(client.get("/enquire/").content.decode())
    values = [value for value, _ in found]
    expected = set(Page.objects.procedures().values_list("slug", flat=True))
    assert set(values) == {"", "other", *expected}
    assert "How is radiology changing?" not in [label for _, label in found]
    assert found[-1] == ("other", "Something else")


def test_a_guide_section_the_patient_came_from_is_still_named(client):
    html = client.get("/enquire/?topic=emerging-trends").content.decode()
    title = Page.objects.get(slug="emerging-trends").title
    assert f'<option value="emerging-trends" selected>{title}</option>' in html


def test_an_enquiry_about_a_section_is_accepted(client, valid_post):
    assert client.post("/enquire/", valid_post(topic="emerging-trends")).status_code == 302
    assert Enquiry.objects.get().topic == "emerging-trends"


def test_a_link_to_a_section_opens_with_it_chosen(client):
    link = EnquiryLink.objects.create(topic="emerging-trends", topic_title="How is radiology changing?")
    html = client.get(link.get_absolute_url()).content.decode()
    assert '<option value="emerging-trends" selected>' in html


def test_a_long_title_is_shortened_in_the_list_but_stored_in_full(client, valid_post):
    html = client.get("/enquire/").content.decode()
    assert '<option value="nephrostomy">Nephrostomy</option>' in html
    assert client.post("/enquire/", valid_post(topic="nephrostomy")).status_code == 302
    assert Enquiry.objects.get().topic_title == Page.objects.get(slug="nephrostomy").title


SHORTENED = [
    ("CT scan", "CT scan"),
    ("Prostate artery embolisation (PAE)", "Prostate artery embolisation (PAE)"),
    ("Nephrostomy, a tube to drain a blocked kidney", "Nephrostomy"),
    ("TACE (chemoembolisation for liver tumours)", "TACE"),
    ("Gastrostomy feeding tube put in using X-rays (RIG)", "Gastrostomy (RIG)"),
    ("Nerve blocks and spine injections for pain", "Nerve blocks and spine injections"),
    ("A long title with nowhere at all that it could stop", "A long title with nowhere at all that it could stop"),
]  # fmt: skip


@pytest.mark.parametrize(("title", "label"), SHORTENED)
def test_short_labels(title, label):
    assert short_topic(title) == label
