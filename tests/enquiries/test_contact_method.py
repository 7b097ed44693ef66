"""A patient gives one way to reach them and is not asked which they prefer;
one who gives both is asked, on the form shown again (no JavaScript needed)."""

import re

import pytest

from radiology_guide.enquiries.models import Enquiry

pytestmark = pytest.mark.django_db


def test_the_blank_form_does_not_ask_how_to_reply(client):
    html = client.get("/enquire/").content.decode()
    assert 'name="preferred_contact"' not in html


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


def test_a_patient_who_gives_both_is_asked_which_and_keeps_what_they_typed(client, valid_post):
    response = client.post("/enquire/", valid_post(phone="07700 900 982", preferred_contact=None))
    html = response.content.decode()
    assert response.status_code == 400 and not Enquiry.objects.exists()
    assert "You gave an email address and a phone number. Select how you would like us to contact you" in html
    assert re.search(r'<input[^>]*type="radio"[^>]*name="preferred_contact"', html.replace("\n", " "))
    assert '<a href="#id_preferred_contact_1">You gave' in html and 'id="id_preferred_contact_1"' in html
    assert 'value="07700 900 982"' in html
    response = client.post("/enquire/", valid_post(phone="07700 900 982", preferred_contact="phone"))
    assert response.status_code == 302 and Enquiry.objects.get().preferred_contact == "phone"


def test_every_field_in_error_is_marked_invalid_for_its_red_border(client, valid_post):
    html = client.post("/enquire/", valid_post(name="", email="zoe@", topic="")).content.decode()
    for field in ("name", "email", "topic"):
        tag = re.search(rf'<(?:input|select)[^>]*id="id_{field}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in tag, field
