"""Helpers that tests import (fixtures live in conftest.py)."""

import re
import secrets

from django.core import signing
from django.utils import timezone

from radiology_guide.enquiries.forms import TOKEN_SALT

# A real SMTP mailer pointed at a port where nothing listens: the mail server is down.
MAIL_SERVER_DOWN = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 1},
    }
}


def form_token(seconds_ago=60, nonce=None):
    """A form token as if the form had been shown some seconds ago."""
    issued = int(timezone.now().timestamp()) - seconds_ago
    return signing.dumps({"n": nonce or secrets.token_urlsafe(16), "t": issued}, salt=TOKEN_SALT)


def error_summary(html):
    match = re.search(r'<div class="govuk-error-summary".*?</div>', html, re.S)
    return match.group(0) if match else ""
