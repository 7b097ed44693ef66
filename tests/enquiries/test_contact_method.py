"""How to reply is asked on the first page, as an optional question: a
patient who fills in every field shown reaches the confirmation page on the
first send, whichever ways to reach them they gave (no JavaScript needed)."""

import re

import pytest

from radiology_guide.enquiries.models import Enquiry
from tests.helpers import error_summary

pytestmark = pytest.mark.django_db


def test_the_blank_form_asks_how_to_reply_and_says_it_is_optional(client):
    html = client.get("/enquire/").content.decode()
    assert re.search(r'<input[^>]*type="radio"[^>]*name="preferred_contact"', html.replace("\n", " "))
    assert "If you give both, how should we contact you? (optional)" in html
    assert "If you do not choose, we will email you." in html


def test_the_question_is_not_inside_the_fieldset_of_the_fields_it_is_about(client):
    # A fieldset inside a fieldset is read out as one long legend by some screen readers.
    html = client.get("/enquire/").content.decode()
    reach = html.split("How can we reach you?", 1)[1]
    assert reach.index("</fieldset>") < reach.index('name="preferred_contact"')


def test_a_patient_with_only_a_phone_is_phoned_and_not_told_to_expect_an_email(client, valid_post):
    response = client.post("/enquire/", valid_post(email="", phone="07700 900 982", preferred_contact=None))
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.preferred_contact == "phone"
    html = client.get(response["Location"]).content.decode()
    assert "contact you by phone" in html and "email" not in html.split("<main", 1)[1].split("</main>")[0].lower()


def test_a_patient_with_an_email_is_told_to_look_for_it(client, valid_post):
    response = client.post("/enquire/", valid_post(preferred_contact=None))
    assert Enquiry.objects.get().preferred_contact == "email"
    assert "We have sent you an email with your reference" in client.get(response["Location"]).content.decode()


def test_a_patient_who_fills_in_every_field_shown_is_sent_through_first_time(client, valid_post):
    # Name, email and phone, topic, message and consent; how to reply left as it was.
    response = client.post("/enquire/", valid_post(phone="07700 900 982", preferred_contact=None))
    assert response.status_code == 302, error_summary(response.content.decode())
    enquiry = Enquiry.objects.get()
    assert (enquiry.email, enquiry.phone, enquiry.preferred_contact) == ("zoe@example.com", "07700 900 982", "email")


def test_a_patient_who_gives_both_and_chooses_phone_is_phoned(client, valid_post):
    response = client.post("/enquire/", valid_post(phone="07700 900 982", preferred_contact="phone"))
    assert response.status_code == 302 and Enquiry.objects.get().preferred_contact == "phone"


@pytest.mark.parametrize(
    ("given", "chosen", "field", "message"),
    [
        ({"phone": ""}, "phone", "phone", "Enter a phone number, or choose email"),
        ({"email": "", "phone": "07700 900 982"}, "email", "email", "Enter an email address, or choose phone"),
    ],
)
def test_choosing_a_way_to_reply_without_giving_it_asks_for_it(client, valid_post, given, chosen, field, message):
    response = client.post("/enquire/", valid_post(preferred_contact=chosen, **given))
    html = response.content.decode()
    assert response.status_code == 400 and not Enquiry.objects.exists()
    assert f'<a href="#id_{field}">{message}</a>' in error_summary(html)


def test_every_field_in_error_is_marked_invalid_for_its_red_border(client, valid_post):
    html = client.post("/enquire/", valid_post(name="", email="zoe@", topic="")).content.decode()
    for field in ("name", "email", "topic"):
        tag = re.search(rf'<(?:input|select)[^>]*id="id_{field}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in tag, field
