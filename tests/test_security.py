"""The site is locked down by default, and proves it."""

import datetime
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-0123456789abcdefghij",
    "HTTPS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "ALLOWED_HOSTS": "guide.example.org",
    "EMAIL_URL": "smtp://user:secret@mail.example.org:587",
    "CACHE_URL": "redis://cache.example.org:6379/0",  # not connected to by the checks
}


def deploy_check(env):
    return subprocess.run(  # noqa: S603 - a fixed command
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_deploy_check_passes_with_the_documented_production_settings():
    result = deploy_check(PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_rejects_a_cache_that_each_worker_keeps_to_itself():
    result = deploy_check({**PRODUCTION_ENV, "CACHE_URL": "locmem://"})
    assert result.returncode != 0 and "radiology_guide.W001" in result.stdout + result.stderr


def csp_directives(response):
    return dict(
        (part.split()[0], part.split()[1:]) for part in response["Content-Security-Policy"].split(";") if part.strip()
    )


@pytest.mark.parametrize("path", ["/", "/guide/diagnostic-radiology/", "/enquire/", "/admin/login/", "/nope/"])
def test_every_response_carries_the_security_headers(client, path):
    client.get(path)
    response = client.get(path)  # the second time, public pages come from the page cache
    csp = csp_directives(response)
    assert csp["default-src"] == ["'none'"]
    for directive in ("script-src", "style-src", "img-src", "font-src"):
        assert "'self'" in csp[directive]
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(csp[directive])
    assert csp["form-action"] == ["'self'"] and csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in response["Permissions-Policy"]


@pytest.mark.parametrize("path", ["/enquire/", "/admin/login/", "/staff/", "/e/x"])
def test_personal_pages_send_no_store(client, path):
    assert "no-store" in client.get(path)["Cache-Control"]


def test_a_reader_who_only_reads_gets_no_cookie(client):
    for path in ["/", "/guide/what-to-expect/", "/faqs/", "/compare/", "/glossary/", "/procedures/ct-scan/"]:
        assert not client.get(path).cookies, path


@override_settings(
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    SESSION_COOKIE_NAME="__Host-sessionid",
    CSRF_COOKIE_NAME="__Host-csrftoken",
)
def test_cookies_are_secure_httponly_lax_and_host_prefixed_in_production(client, admin_user):
    response = client.get("/enquire/")
    csrf = response.cookies["__Host-csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax" and csrf["path"] == "/"
    client.force_login(admin_user)
    session = client.get("/admin/").cookies["__Host-sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_production_settings_turn_on_https_protections():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.REQUIRE_STAFF_MFA)"
    )
    result = subprocess.run(  # noqa: S603 - a fixed command
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env={**os.environ, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.splitlines()[-1].split() == [
        "True",
        "31536000",
        "True",
        "True",
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
    ]


def test_brute_force_sign_in_is_locked_out_with_a_clear_message(client, django_user_model, settings):
    django_user_model.objects.create_user("nurse", password="the-right-password-123", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "nurse", "password": "wrong-password"})
    response = client.post("/admin/login/", {"username": "nurse", "password": "the-right-password-123"})
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()


def test_sign_in_events_are_logged_without_passwords(client, django_user_model, caplog):
    django_user_model.objects.create_user("nurse", password="the-right-password-123", is_staff=True)
    client.post("/admin/login/", {"username": "nurse", "password": "wrong-password-xyz"})
    client.post("/admin/login/", {"username": "nurse", "password": "the-right-password-123"})
    assert "auth sign-in failed user=nurse" in caplog.text and "auth sign-in user=nurse" in caplog.text
    assert "wrong-password-xyz" not in caplog.text and "the-right-password-123" not in caplog.text


def test_a_new_session_on_sign_in(client, django_user_model):
    django_user_model.objects.create_user("nurse", password="the-right-password-123", is_staff=True)
    client.get("/enquire/")
    client.cookies["sessionid"] = "a-session-planted-by-someone-else"
    client.post("/admin/login/", {"username": "nurse", "password": "the-right-password-123"})
    assert client.cookies["sessionid"].value != "a-session-planted-by-someone-else"


def test_deactivating_a_user_ends_their_session(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    admin_user.is_active = False
    admin_user.save()
    assert client.get("/admin/").status_code == 302


def test_a_staff_session_ends_after_30_idle_minutes_and_each_request_extends_it(client, admin_user, settings):
    from django.contrib.sessions.models import Session

    # The idle policy is the same on every engine; the database one lets the test move the clock.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    session = Session.objects.get()
    left = session.expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < left <= datetime.timedelta(minutes=30)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))  # 30 idle minutes later
    assert client.get("/admin/").status_code == 302


def test_robots_txt_keeps_private_areas_out_and_error_pages_leak_no_internals(client):
    robots = client.get("/robots.txt").content.decode()
    for private in ("/admin/", "/staff/", "/enquire/", "/e/"):
        assert f"Disallow: {private}" in robots
    body = client.get("/nope/").content.decode()
    assert "Traceback" not in body and "settings" not in body.lower()
    assert not re.search(r"DEBUG|SECRET_KEY", body)
