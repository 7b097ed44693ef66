import re

import pytest
from django.core import signing
from django.utils import timezone

from radiology_guide.enquiries.forms import TOKEN_SALT


def form_token(seconds_ago=60, nonce=None):
    """A form token as if the form had been shown some seconds ago."""
    import secrets

    issued = int(timezone.now().timestamp()) - seconds_ago
    return signing.dumps({"n": nonce or secrets.token_urlsafe(16), "t": issued}, salt=TOKEN_SALT)


@pytest.fixture
def valid_post():
    def make(**changes):
        data = {
            "name": "Zoë O'Brien-Łukasz",
            "email": "zoe@example.com",
            "phone": "",
            "preferred_contact": "email",
            "topic": "ct-scan",
            "message": "Can I bring my daughter with me?",
            "consent": "on",
            "website": "",
            "form_token": form_token(),
        }
        data.update(changes)
        return {key: value for key, value in data.items() if value is not None}

    return make


def error_summary(html):
    match = re.search(r'<div class="govuk-error-summary".*?</div>', html, re.S)
    return match.group(0) if match else ""


@pytest.fixture
def clinic_staff(django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("sam", "sam@example.com", "a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Clinic staff"))
    return user
