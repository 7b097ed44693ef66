"""When parts fail, patients still get a calm page and enquiries are kept.
Each failure is real: a closed port, not a mock."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings

from radiology_guide.enquiries.models import Enquiry
from tests.helpers import MAIL_SERVER_DOWN

pytestmark = pytest.mark.django_db
CLOSED_PORT = "127.0.0.1:1"  # nothing listens on port 1: connections are refused at once


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok"}


def test_database_unreachable_gives_a_friendly_503_with_the_clinic_phone():
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client()\n"
        "for path in ['/guide/diagnostic-radiology/', '/readyz', '/healthz']:\n"
        "    r = c.get(path)\n"
        "    print(path, r.status_code, '020 7946 0000' in r.content.decode(), b'Traceback' in r.content)\n"
    )
    result = subprocess.run(  # noqa: S603 - a fixed command
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "radiology_guide.settings",
            "DATABASE_URL": f"postgres://nobody@{CLOSED_PORT}/nothing",
            "CACHE_URL": "locmem://",
            # No collectstatic in the test run: plain static storage.
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("/")]
    assert lines == [
        "/guide/diagnostic-radiology/ 503 True False",
        "/readyz 503 False False",
        "/healthz 200 False False",
    ], result.stdout + result.stderr


UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "radiology_guide.core.redis_cache.ResilientRedisCache",
        "LOCATION": f"redis://{CLOSED_PORT}/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def test_cache_unreachable_pages_are_still_served_and_enquiries_still_work(client, valid_post):
    with override_settings(CACHES=UNREACHABLE_REDIS):
        page = client.get("/guide/diagnostic-radiology/")
        assert page.status_code == 200 and "What is diagnostic radiology?" in page.content.decode()
        assert client.get("/readyz").status_code == 503
        response = client.post("/enquire/", valid_post())
        assert response.status_code == 302
    assert Enquiry.objects.count() == 1


def test_email_down_the_enquiry_is_still_stored_and_the_patient_sees_success(
    client, valid_post, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = MAIL_SERVER_DOWN
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/enquire/", valid_post(), follow=True)
    assert "Enquiry sent" in response.content.decode()
    assert Enquiry.objects.get().notified_at is None
    assert mail.outbox == []


def test_logs_hold_no_patient_data(client, valid_post, caplog, django_capture_on_commit_callbacks):
    caplog.set_level("DEBUG")
    data = valid_post(
        name="Priya Unforgettable",
        email="priya.secret@example.com",
        phone="07700 900123",
        message="My very private symptom",
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/enquire/?topic=ct-scan", data, follow=True)
        client.post("/enquire/", {**data, "email": "bad@"})
    assert Enquiry.objects.count() == 1
    assert "request id=" in caplog.text  # the request log is there...
    for private in ("Priya", "Unforgettable", "priya.secret", "900123", "private symptom"):
        assert private not in caplog.text  # ...without the patient in it
