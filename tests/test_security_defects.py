"""Regression tests for the defects a security test found (issue 12). Each
one failed on the code before its fix."""

import logging

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache

from radiology_guide.core.models import ClinicDetails, RateCounter
from radiology_guide.enquiries.intake import Outcome
from radiology_guide.enquiries.models import Enquiry

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # our own reverse proxy, as REMOTE_ADDR sees it


# 1. Clinic details hijack


def test_the_clinic_details_exist_from_the_start(client):
    details = ClinicDetails.objects.get(pk=1)
    assert details.phone in client.get("/").content.decode()


def test_staff_without_permission_cannot_add_the_clinic_details_even_when_they_are_missing(client, django_user_model):
    ClinicDetails.objects.all().delete()
    nobody = django_user_model.objects.create_user("temp", password="a-long-test-password", is_staff=True)
    client.force_login(nobody)
    assert client.get("/admin/core/clinicdetails/add/").status_code == 403
    client.post("/admin/core/clinicdetails/add/", {"name": "Scam", "phone": "0900 000 000", "email": "x@scam.example"})
    assert not ClinicDetails.objects.exists()


def test_an_editor_allowed_to_add_can_restore_deleted_clinic_details(client, django_user_model):
    ClinicDetails.objects.all().delete()
    editor = django_user_model.objects.create_user("boss", password="a-long-test-password", is_staff=True)
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["add_clinicdetails", "view_clinicdetails"]))
    client.force_login(editor)
    assert client.get("/admin/core/clinicdetails/add/").status_code == 200
    response = client.post(
        "/admin/core/clinicdetails/add/",
        {
            "name": "Rinebraska",
            "phone": "020 7946 0123",
            "email": "enquiries@rinebraska.example",
            "address": "1 Example Street\nLondon",
            "opening_hours": "Monday to Friday, 8am to 6pm",
            "working_days": "Mon Tue Wed Thu Fri",
            "bank_holidays": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ClinicDetails.objects.get().phone == "020 7946 0123"
    assert "020 7946 0123" in client.get("/").content.decode()


# 3. Lockout behind a proxy


def test_behind_a_proxy_one_attackers_failures_do_not_lock_out_the_real_user(client, django_user_model, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    django_user_model.objects.create_user("nurse", password="the-right-password-123", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post(
            "/admin/login/",
            {"username": "nurse", "password": "guess"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="203.0.113.66",
        )
    response = client.post(
        "/admin/login/",
        {"username": "nurse", "password": "the-right-password-123"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 302  # signed in, from the nurse's own address


def test_behind_a_proxy_the_attacker_is_still_locked_out(client, django_user_model, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    django_user_model.objects.create_user("nurse", password="the-right-password-123", is_staff=True)
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "nurse", "password": "guess"}, **attacker)
    response = client.post("/admin/login/", {"username": "nurse", "password": "the-right-password-123"}, **attacker)
    assert response.status_code == 429


# 4. Rate limits that leak


def test_the_enquiry_rate_limit_survives_the_cache_being_emptied(client, valid_post, settings):
    settings.ENQUIRY_RATE_LIMIT = "2/h"
    for _ in range(2):
        client.post("/enquire/", valid_post())
    cache.clear()  # what 2,000 junk page addresses did to a counter in the cache
    client.post("/enquire/", valid_post())
    assert Enquiry.objects.filter(status=Enquiry.Status.HELD).count() == 1


def test_a_rate_limit_counter_lives_exactly_until_its_window_ends(client, valid_post, settings):
    settings.ENQUIRY_RATE_LIMIT = "5/h"
    client.post("/enquire/", valid_post())
    counter = RateCounter.objects.get()
    assert counter.expires_at.timestamp() % 3600 == 0  # the end of this hour's window, not 300 s from the last hit
    assert counter.count == 1


def test_an_enquiry_is_stored_before_the_rate_limit_is_counted(client, valid_post, monkeypatch):
    from django.db import DatabaseError

    from radiology_guide.enquiries import intake

    def counting_fails(*args):
        assert Enquiry.objects.exists()  # already stored when the count is made
        raise DatabaseError("counter table unavailable")

    monkeypatch.setattr(intake.ratelimit, "over_limit", counting_fails)
    response = client.post("/enquire/", valid_post(), follow=True)
    assert "Enquiry sent" in response.content.decode()
    assert Enquiry.objects.get().status == Enquiry.Status.NEW
    assert Outcome.STORED.value == "stored"


# 7. Log forging


def test_a_newline_in_the_path_cannot_forge_a_log_line(client, caplog):
    caplog.set_level(logging.INFO, logger="radiology_guide.request")
    client.get("/faqs/%0a2026-01-01%20INFO%20radiology_guide.request%20forged", HTTP_X_REQUEST_ID="x\nforged line")
    lines = [record.getMessage() for record in caplog.records if record.name == "radiology_guide.request"]
    assert lines and all("\n" not in line and "\r" not in line for line in lines)
    assert "%0A2026-01-01%20INFO" in lines[-1]


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b", True),
        ("0123456789abcdef", True),
        ("abc", False),
        ("x" * 65, False),
        ("id with spaces", False),
        ("id\nINFO forged", False),
    ],
)
def test_only_a_request_id_that_looks_like_one_is_kept(client, sent, kept):
    response = client.get("/glossary/", HTTP_X_REQUEST_ID=sent)
    assert (response["X-Request-Id"] == sent) is kept


# 11. Headers everywhere


def test_static_files_carry_the_security_headers(client, settings):
    settings.WHITENOISE_USE_FINDERS = True  # whitenoise serves them without a collectstatic run
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_a_bad_host_gets_a_400_with_the_security_headers(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
