"""Regression tests for the low and informational findings of the second
security probe (issue 19, production settings from docs/operations.md), and
for issue 21. Each one failed on the code before its fix."""

import logging

import pytest
from django.core.cache import cache

from radiology_guide.core.pagecache import forget_local_copies

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # our own reverse proxy, as REMOTE_ADDR sees it
FORGED = "nurse\r\n2026-01-01 12:00:00,000 INFO radiology_guide.auth auth sign-in user=admin\x1b[2J"


def assert_security_headers(response):
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


# Sign-in usernames in the logs


def test_a_sign_in_username_cannot_forge_a_log_line_in_our_log_or_in_axes(client, caplog):
    caplog.set_level(logging.INFO)
    client.post("/admin/login/", {"username": FORGED, "password": "wrong-password"})
    signed = [record for record in caplog.records if record.name in ("radiology_guide.auth",) or "axes" in record.name]
    assert any(record.name == "radiology_guide.auth" for record in signed)
    assert any(record.name.startswith("axes") and "%0D%0A2026" in record.getMessage() for record in signed)
    for record in signed:
        message = record.getMessage()
        assert not any(ord(char) < 32 or ord(char) == 127 for char in message), (record.name, message)


# Lockout per username, whatever address the client claims


def test_a_client_that_forges_its_address_is_still_limited_per_username(client, django_user_model, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    django_user_model.objects.create_user("nurse", password="the-right-password-123", is_staff=True)
    # Straight to the app port, past the proxy: the client writes X-Forwarded-For itself.
    for number in range(settings.LOGIN_USERNAME_FAILURE_LIMIT):
        client.post(
            "/admin/login/",
            {"username": "nurse", "password": f"guess-{number}"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}",
        )
    response = client.post(
        "/admin/login/",
        {"username": "nurse", "password": "the-right-password-123"},
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert response.status_code == 429


def test_the_per_username_limit_is_well_above_the_per_address_one(settings):
    # So one attacker's address cannot lock the real user out (issue 12), yet guessing has an end.
    assert settings.LOGIN_USERNAME_FAILURE_LIMIT >= 2 * settings.AXES_FAILURE_LIMIT


# The admin sign-in and a `next` it refuses


def test_a_rejected_next_on_the_admin_sign_in_goes_to_the_admin_index(client, django_user_model):
    django_user_model.objects.create_user("nurse", password="the-right-password-123", is_staff=True)
    response = client.post(
        "/admin/login/?next=https://evil.example/",
        {"username": "nurse", "password": "the-right-password-123", "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


# Static files


@pytest.fixture
def collected_static(settings, tmp_path):
    """A collectstatic folder as production has it, with the manifest."""
    root = tmp_path / "static"
    (root / "css").mkdir(parents=True)
    (root / "css" / "site.0123456789ab.css").write_text("body { color: black; }")
    (root / "staticfiles.json").write_text('{"paths": {"css/site.css": "css/site.0123456789ab.css"}}')
    (root / "staticfiles.json.gz").write_bytes(b"not really gzip")
    settings.STATIC_ROOT = root
    settings.WHITENOISE_USE_FINDERS = False
    return root


def test_static_files_carry_every_security_header_and_no_wildcard_cors(client, collected_static):
    response = client.get("/static/css/site.0123456789ab.css")
    assert response.status_code == 200
    assert_security_headers(response)
    assert "Access-Control-Allow-Origin" not in response


def test_the_static_manifest_is_not_served(client, collected_static):
    assert client.get("/static/css/site.0123456789ab.css").status_code == 200
    assert client.get("/static/staticfiles.json").status_code == 404
    assert client.get("/static/staticfiles.json.gz").status_code == 404


def test_a_static_file_not_modified_carries_the_security_headers(client, collected_static):
    etag = client.get("/static/css/site.0123456789ab.css")["ETag"]
    response = client.get("/static/css/site.0123456789ab.css", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert_security_headers(response)


# Redirects and 304s


def test_the_redirect_to_https_carries_the_security_headers(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/faqs/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert_security_headers(response)


def test_a_cached_page_not_modified_carries_the_security_headers(client):
    etag = client.get("/faqs/")["ETag"]
    response = client.get("/faqs/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response["X-Cache"] == "hit"
    assert_security_headers(response)


def test_a_page_not_modified_on_a_cache_miss_carries_the_security_headers(client):
    etag = client.get("/faqs/")["ETag"]
    cache.clear()
    forget_local_copies()
    response = client.get("/faqs/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response["X-Cache"] == "miss"
    assert_security_headers(response)


# Issue 21: headers are set once, by Django's SecurityMiddleware, which the settings control


def test_the_cross_origin_opener_policy_follows_its_setting(client, settings):
    settings.SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin-allow-popups"
    assert client.get("/glossary/")["Cross-Origin-Opener-Policy"] == "same-origin-allow-popups"
