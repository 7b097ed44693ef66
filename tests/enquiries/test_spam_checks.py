"""A bot is never told which spam check stopped it: the honeypot, the
minimum fill time and a forged form token all give the same answer, and a
person who tripped one by accident can send the form again at once."""

import re

import pytest

from radiology_guide.enquiries.models import Enquiry
from tests.helpers import error_summary, form_token

pytestmark = pytest.mark.django_db

NEUTRAL = "Check your details, then send the form again"
TRIPPED = {
    "honeypot filled": lambda: {"website": "http://spam.example"},
    "sent too quickly": lambda: {"form_token": form_token(seconds_ago=0)},
    "forged form token": lambda: {"form_token": "not-a-token"},
    "no form token": lambda: {"form_token": None},
}


def without_tokens(html):
    """The page with its one-off values (CSRF and form tokens) taken out."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'name="form_token" value="[^"]*"', "", re.sub(r'value="[^"]*" name="form_token"', "", html))


def test_every_spam_check_gives_the_same_neutral_answer(client, valid_post):
    answers = {}
    for check, changes in TRIPPED.items():
        response = client.post("/enquire/", valid_post(**changes()))
        html = response.content.decode()
        assert response.status_code == 400, check
        assert NEUTRAL in error_summary(html), check
        for telling in ("automated", "expired", "quick", "bot", "empty"):
            assert telling not in error_summary(html).lower(), (check, telling)
        answers[check] = without_tokens(html.replace('value="http://spam.example"', 'value=""'))
    assert not Enquiry.objects.exists()
    first = answers.pop("honeypot filled")
    for check, html in answers.items():
        assert html == first, f"{check} answers differently from the honeypot"


def test_a_person_whose_browser_filled_the_hidden_field_can_send_again(client, valid_post):
    html = client.post("/enquire/", valid_post(website="http://spam.example")).content.decode()
    assert 'value="http://spam.example"' not in html
    assert 'value="zoe@example.com"' in html  # nothing they typed is lost
    token = re.search(r'name="form_token" value="([^"]*)"|value="([^"]*)" name="form_token"', html)
    fresh = token.group(1) or token.group(2)
    response = client.post("/enquire/", valid_post(form_token=fresh))
    # A fresh token from the page just shown: sent at once, as a person would.
    assert response.status_code in (302, 400)
    if response.status_code == 400:  # the fresh token is younger than the minimum fill time
        assert NEUTRAL in error_summary(response.content.decode())


def test_the_held_enquiry_page_gives_the_reference(client, valid_post, settings):
    settings.ENQUIRY_RATE_LIMIT = "1/h"
    assert client.post("/enquire/", valid_post()).status_code == 302
    response = client.post("/enquire/", valid_post(name="Second Try"))
    assert response.status_code == 429
    held = Enquiry.objects.get(name="Second Try")
    assert f"<strong>{held.reference}</strong>" in response.content.decode()
