"""A patient sends an enquiry: clear messages for mistakes, nothing lost."""

import re

import pytest
from django.core import mail

from radiology_guide.enquiries.models import Enquiry
from tests.helpers import error_summary, form_token

pytestmark = pytest.mark.django_db

VALIDATION = [
    # (case, changes, field in error or None, message shown)
    ("plain name", {}, None, None),
    ("accented name", {"name": "Zoë Brontë"}, None, None),
    ("hyphen and apostrophe", {"name": "O'Brien-Łukasz"}, None, None),
    ("japanese name", {"name": "山田 太郎"}, None, None),
    ("arabic name", {"name": "فاطمة الزهراء"}, None, None),
    ("uk mobile", {"phone": "07700 900 982", "preferred_contact": "phone"}, None, None),
    ("uk landline with brackets", {"phone": "(020) 7946 0000"}, None, None),
    ("international", {"phone": "+44 20 7946 0000"}, None, None),
    ("us format", {"phone": "+1 (555) 010-0199"}, None, None),
    ("phone only", {"email": "", "phone": "07700900982", "preferred_contact": "phone"}, None, None),
    ("no message", {"message": ""}, None, None),
    ("missing name", {"name": ""}, "name", "Enter your full name"),
    ("name of spaces", {"name": "   "}, "name", "Enter your full name"),
    ("name with symbols", {"name": "<script>"}, "name", "Your name must only include letters"),
    ("name too long", {"name": "a" * 101}, "name", "Your name must be 100 characters or fewer"),
    ("bad email", {"email": "zoe@"}, "email", "Enter an email address in the correct format"),
    ("no contact at all", {"email": "", "phone": ""}, "email", "Enter an email address or a phone number"),
    # How to reply is an optional question: every field filled in is never an error.
    ("phone only, no method", {"email": "", "phone": "07700900982", "preferred_contact": ""}, None, None),
    ("email only, no method", {"preferred_contact": ""}, None, None),
    ("both, no method", {"phone": "07700900982", "preferred_contact": ""}, None, None),
    ("both, method not sent", {"phone": "07700900982", "preferred_contact": None}, None, None),
    ("made-up method", {"preferred_contact": "fax"}, "preferred_contact", "Select email or phone"),
    ("phone with letters", {"phone": "call me maybe"}, "phone", "Enter a phone number"),
    ("phone too short", {"phone": "12345"}, "phone", "Enter a phone number"),
    ("no topic", {"topic": ""}, "topic", "Select what your enquiry is about"),
    ("made-up topic", {"topic": "brain-surgery"}, "topic", "Select what your enquiry is about"),
    ("no consent", {"consent": None}, "consent", "Tick the box to agree"),
    ("message too long", {"message": "x" * 1001}, "message", "Your message must be 1,000 characters or fewer"),
    ("null byte in message", {"message": "hello\x00there"}, "message", "must not contain hidden control characters"),
    ("control character in name", {"name": "Zoe\x07"}, "name", "must not contain hidden control characters"),
    ("tampered form token", {"form_token": "not-a-token"}, "__all__", "Check your details, then send the form again"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "changes", "field", "message"), VALIDATION, ids=[v[0] for v in VALIDATION])
def test_validation(client, valid_post, case, changes, field, message):
    data = valid_post(**changes)
    response = client.post("/enquire/", data)
    if field is None:
        assert response.status_code == 302, error_summary(response.content.decode())
        assert Enquiry.objects.count() == 1
        return
    html = response.content.decode()
    assert response.status_code == 400
    summary = error_summary(html)
    assert "There is a problem" in summary
    assert message in summary  # in the summary at the top...
    assert html.count(message) >= 2 or field == "__all__"  # ...and beside the field
    if field != "__all__":
        assert f'href="#id_{field}' in summary
    assert Enquiry.objects.count() == 0
    assert html.startswith("<!doctype html>") and "<title>Error: " in html


def test_everything_typed_is_kept_after_an_error(client, valid_post):
    html = client.post("/enquire/", valid_post(email="zoe@", message="My own words")).content.decode()
    assert 'value="Zoë O&#x27;Brien-Łukasz"' in html
    assert 'value="zoe@"' in html
    assert "My own words</textarea>" in html
    assert '<option value="ct-scan" selected>' in html
    assert (
        'name="consent" aria-describedby="id_consent_hint" class="govuk-checkboxes__input" id="id_consent" checked'
        in html
    )


def test_a_good_enquiry_is_stored_and_the_patient_sees_an_unguessable_reference(client, valid_post):
    response = client.post("/enquire/", valid_post(), follow=True)
    enquiry = Enquiry.objects.get()
    assert re.fullmatch(r"RG-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", enquiry.reference)
    assert response.redirect_chain[-1][0] == f"/enquire/sent/{enquiry.reference}/"
    html = response.content.decode()
    assert enquiry.reference in html and "What happens next" in html
    assert "zoe@example.com" not in html and "daughter" not in html
    assert enquiry.topic_title == "CT scan"


def test_the_topic_in_the_link_is_preselected(client):
    html = client.get("/enquire/?topic=mri-scan").content.decode()
    assert '<option value="mri-scan" selected>' in html


def test_every_guide_page_links_to_the_form_with_its_topic(client):
    assert 'href="/enquire/?topic=ct-scan"' in client.get("/procedures/ct-scan/").content.decode()


def test_sending_the_same_form_twice_creates_one_enquiry(client, valid_post):
    data = valid_post()
    first = client.post("/enquire/", data)
    second = client.post("/enquire/", data)
    assert Enquiry.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_the_honeypot_turns_a_bot_away_politely_and_stores_nothing(client, valid_post):
    response = client.post("/enquire/", valid_post(website="http://spam.example"))
    assert response.status_code == 400
    assert "020 7946 0000" in response.content.decode()
    assert Enquiry.objects.count() == 0  # the same answer as every spam check: tests/enquiries/test_spam_checks.py


def test_a_form_sent_faster_than_a_person_could_is_shown_again_with_everything_kept(client, valid_post):
    response = client.post("/enquire/", valid_post(form_token=form_token(seconds_ago=0)))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Check your details, then send the form again" in html
    assert 'value="zoe@example.com"' in html
    assert Enquiry.objects.count() == 0


def test_over_the_rate_limit_the_enquiry_is_kept_but_held_and_the_patient_told_to_call(
    client, valid_post, settings, django_capture_on_commit_callbacks
):
    settings.ENQUIRY_RATE_LIMIT = "2/h"
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            assert client.post("/enquire/", valid_post()).status_code == 302
        response = client.post("/enquire/", valid_post(name="Third Try"))
    assert response.status_code == 429
    assert "please call us" in response.content.decode()
    held = Enquiry.objects.get(name="Third Try")
    assert held.status == Enquiry.Status.HELD
    assert len(mail.outbox) == 4  # 2 clinic notifications + 2 acknowledgements; none for the held one


def test_rate_limit_counts_each_client_address_separately(client, valid_post, settings):
    settings.ENQUIRY_RATE_LIMIT = "1/h"
    assert client.post("/enquire/", valid_post(), REMOTE_ADDR="192.0.2.1").status_code == 302
    assert client.post("/enquire/", valid_post(), REMOTE_ADDR="192.0.2.2").status_code == 302
    assert client.post("/enquire/", valid_post(), REMOTE_ADDR="192.0.2.1").status_code == 429


def test_form_pages_are_never_cached(client, valid_post):
    assert "no-store" in client.get("/enquire/")["Cache-Control"]
    response = client.post("/enquire/", valid_post(), follow=True)
    assert "no-store" in response["Cache-Control"]
