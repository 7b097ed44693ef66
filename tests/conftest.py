"""Shared fixtures. The real content in content/ is loaded once per test
session; each test runs in a transaction that is rolled back."""

import re
import secrets

import pytest
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils import timezone

from radiology_guide.core.pagecache import forget_local_copies
from radiology_guide.enquiries.forms import TOKEN_SALT
from radiology_guide.guide.models import Page
from radiology_guide.guide.sync import sync_content

# A real SMTP mailer pointed at a port where nothing listens: the mail server is down.
MAIL_SERVER_DOWN = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 1},
    }
}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        sync_content(settings.CONTENT_DIR)


@pytest.fixture(autouse=True)
def test_settings(settings):
    # Plain static storage: the tests need no collectstatic run.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    cache.clear()
    forget_local_copies()
    yield
    cache.clear()
    forget_local_copies()


@pytest.fixture
def content(django_db_blocker):
    """Content for transactional tests, whose database starts empty."""
    with django_db_blocker.unblock():
        if not Page.objects.exists():
            sync_content(settings.CONTENT_DIR)


@pytest.fixture
def editor(django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("editor", "editor@example.com", "a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Content editors"))
    return user


@pytest.fixture
def reviewer(django_user_model):
    from django.contrib.auth.models import Group, Permission

    user = django_user_model.objects.create_user(
        "dr-jones", "jones@example.com", "a-long-test-password", is_staff=True, first_name="Asha", last_name="Jones"
    )
    user.groups.add(Group.objects.get(name="Content editors"))
    user.user_permissions.add(Permission.objects.get(codename="approve_page"))
    return user


@pytest.fixture
def clinic_staff(django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("sam", "sam@example.com", "a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Clinic staff"))
    return user


def form_token(seconds_ago=60, nonce=None):
    """A form token as if the form had been shown some seconds ago."""
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
def staff_groups(django_db_blocker):
    """The groups the migration makes, again: transactional tests (the browser
    tests) flush every table, migration data included."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("radiology_guide.enquiries.migrations.0003_staff_handling")
    with django_db_blocker.unblock():
        migration.grant_staff_area(apps, None)
