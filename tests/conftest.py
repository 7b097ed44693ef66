"""Shared fixtures. The real content in content/ is loaded once per test
session; each test runs in a transaction that is rolled back.

Tests run with each process's own memory cache (unless CACHE_URL is set, as
the PostgreSQL and Redis suite does) and send emails at once through Django's
immediate Tasks backend; tests/enquiries/test_tasks.py runs the real database
backend and its worker.
"""

import copy
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.management.color import no_style
from django.core.signals import setting_changed
from django.db import connection
from django.test import override_settings
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from radiology_guide.config import cache_from_url
from radiology_guide.core.pagecache import forget_local_copies
from radiology_guide.guide.models import Page
from radiology_guide.guide.sync import sync_content
from tests.helpers import form_token


def redis_url_for_this_worker(url):
    """Each xdist worker its own Redis database (15, 14, ...): a test's
    cache.clear() flushes the whole database, and must not empty the cache
    under a test that another worker is running."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    base, _, number = url.rpartition("/")
    return f"{base}/{(int(number or 0) - int(worker.removeprefix('gw'))) % 16}"


if not os.environ.get("CACHE_URL"):
    settings.CACHES = {"default": cache_from_url("CACHE_URL", "locmem://")}
elif os.environ["CACHE_URL"].startswith("redis"):
    # Servers the tests start read it from the environment too.
    os.environ["CACHE_URL"] = redis_url_for_this_worker(os.environ["CACHE_URL"])
    settings.CACHES = {"default": cache_from_url("CACHE_URL", os.environ["CACHE_URL"])}
# The one test that shares Redis between two processes (tests/test_page_cache.py).
os.environ["TEST_REDIS_URL"] = redis_url_for_this_worker(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Django set up its task backends when the admin was loaded: start them again.
setting_changed.send(sender=None, setting="TASKS", value=settings.TASKS, enter=True)
# Without a Notify key text messages are files: never in the project's var/sms.
settings.NOTIFY_API_KEY = ""
settings.SMS_DIR = Path(tempfile.mkdtemp(prefix="rg-test-sms-"))
# Signing in is not what these tests measure: a fast hasher halves the suite's time.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Property tests: 50 examples while working, 200 in CI.
hypothesis_settings.register_profile("dev", max_examples=50)
hypothesis_settings.register_profile("ci", max_examples=200)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")


# Loading the content publishes it, and after a publish the Tasks worker
# builds every page into the cache (guide/cdn.py): with the immediate backend
# that would happen here, for a cache each test empties anyway.
NOTHING_TO_WARM = override_settings(PAGE_CACHE_SECONDS=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), NOTHING_TO_WARM:
        sync_content(settings.CONTENT_DIR)


@pytest.fixture(autouse=True)
def test_settings(settings):
    # Plain static storage: the tests need no collectstatic run.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    # After a publish the Tasks worker builds every public page (233 of them)
    # into the cache; with the immediate backend that would happen inside
    # each publish of every test. The tests of warming turn it on (`warming`).
    settings.PAGE_CACHE_WARMING = False
    # A request to /ur/... leaves Urdu active in this thread (LocaleMiddleware
    # never deactivates): each test starts in English, as each request does.
    translation.activate(settings.LANGUAGE_CODE)
    cache.clear()
    forget_local_copies()
    yield
    cache.clear()
    forget_local_copies()


# What sync_content stored, kept after the first transactional test in each
# test process: the next ones put the same rows back (a second), instead of
# loading and rendering the whole guide again (several seconds each).
_synced_rows = {}


def _content_models():
    return [model for app in ("guide", "images") for model in apps.get_app_config(app).get_models()]


@pytest.fixture
def content(django_db_blocker):
    """Content for transactional tests, whose database starts empty."""
    with django_db_blocker.unblock(), NOTHING_TO_WARM:
        if Page.objects.exists():
            return
        if not _synced_rows:
            sync_content(settings.CONTENT_DIR)
            for model in _content_models():
                _synced_rows[model] = list(model.objects.all())
            return
        for model, rows in _synced_rows.items():
            model.objects.bulk_create(copy.copy(row) for row in rows)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(_synced_rows)):
                cursor.execute(sql)


@pytest.fixture
def warming(settings):
    """The cache is warmed after every publish, as in production."""
    settings.PAGE_CACHE_WARMING = True


@pytest.fixture
def content_copy(tmp_path):
    """A copy of content/ that a test may change and sync."""
    target = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, target)
    return target


@pytest.fixture
def make_enquiry():
    """Store an enquiry as the form would have, ``days_ago`` days ago, with
    any field changed."""
    import datetime

    from django.utils import timezone

    from radiology_guide.enquiries.models import Enquiry

    def make(days_ago=0, **fields):
        data = {
            "name": "Grace O'Hopper",
            "email": "grace@example.com",
            "phone": "07700 900461",
            "preferred_contact": "phone",
            "topic": "ct-scan",
            "topic_title": "CT scan",
            "message": "Do I need to fast?",
            "consent_at": timezone.now(),
            "received_at": timezone.now() - datetime.timedelta(days=days_ago),
        }
        data.update(fields)
        data.setdefault("submission_token", f"token-{Enquiry.objects.count()}-{data['name']}")
        return Enquiry.objects.create(**data)

    return make


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


@pytest.fixture
def staff_groups(django_db_blocker):
    """The groups the migration makes, again: transactional tests (the browser
    tests) flush every table, migration data included."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("radiology_guide.enquiries.migrations.0003_staff_handling")
    publishing = importlib.import_module("radiology_guide.guide.migrations.0007_drafts_and_revision_notes")
    with django_db_blocker.unblock():
        migration.grant_staff_area(apps, None)  # makes the groups (0002) too
        publishing.editors_may_publish(apps, None)


@pytest.fixture
def notify_server(settings):
    """Our local GOV.UK Notify (radiology_guide/enquiries/notify_stub.py) on a
    free port, with the site set to send text messages through it with
    Notify's real client. Email stays on the mail server unless a test sets
    NOTIFY_EMAIL_TEMPLATE_ID."""
    from radiology_guide.enquiries.notify_stub import DEV_SMS_TEMPLATE, NotifyStub

    stub = NotifyStub(callback_token="test-callback-token").start()
    settings.NOTIFY_API_KEY = stub.api_key
    settings.NOTIFY_BASE_URL = stub.base_url
    settings.NOTIFY_SMS_TEMPLATE_ID = DEV_SMS_TEMPLATE
    settings.NOTIFY_EMAIL_TEMPLATE_ID = ""
    settings.NOTIFY_CALLBACK_TOKEN = stub.callback_token
    yield stub
    stub.stop()
