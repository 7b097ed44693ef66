"""Staff and admins need a second factor (an authenticator app, or a
recovery code) before they reach any staff or admin page."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mfa_on(settings):
    settings.REQUIRE_STAFF_MFA = True


def current_code(user):
    # The secret this person was shown last: each visit to set-up makes a new one.
    device = TOTPDevice.objects.filter(user=user).latest("pk")
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def wait_out_throttling(user):
    """django-otp slows guessing down after a failed code; the person waits a moment."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)


def set_up_app(client, user):
    client.get("/account/two-factor/setup/")
    response = client.post("/account/two-factor/setup/", {"code": current_code(user), "next": "/staff/"})
    return re.findall(r"<li><code>([^<]+)</code></li>", response.content.decode())


@pytest.mark.parametrize("path", ["/staff/", "/admin/", "/admin/enquiries/enquiry/"])
def test_every_staff_and_admin_page_asks_for_set_up_first(client, clinic_staff, path):
    client.force_login(clinic_staff)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/setup/?next=")


def test_set_up_shows_a_qr_code_and_key_and_then_recovery_codes_once(client, clinic_staff):
    client.force_login(clinic_staff)
    html = client.get("/account/two-factor/setup/").content.decode()
    assert "<svg" in html and re.search(r'<code class="secret">[A-Z2-7]{32,}</code>', html)
    wrong = client.post("/account/two-factor/setup/", {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    wait_out_throttling(clinic_staff)
    codes = set_up_app(client, clinic_staff)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/staff/").status_code == 200


def test_next_sign_in_asks_for_a_code_and_accepts_a_recovery_code_only_once(client, clinic_staff):
    client.force_login(clinic_staff)
    codes = set_up_app(client, clinic_staff)
    client.logout()

    client.force_login(clinic_staff)
    response = client.get("/staff/links/")
    assert response["Location"].startswith("/account/two-factor/verify/?next=")
    done = client.post("/account/two-factor/verify/", {"code": codes[0], "next": "/staff/links/"})
    assert done["Location"] == "/staff/links/"
    assert client.get("/staff/links/").status_code == 200

    client.logout()
    client.force_login(clinic_staff)
    again = client.post("/account/two-factor/verify/", {"code": codes[0], "next": "/staff/links/"})
    assert "That code is not right" in again.content.decode()
    wait_out_throttling(clinic_staff)
    ok = client.post("/account/two-factor/verify/", {"code": codes[1], "next": "/staff/links/"})
    assert ok["Location"] == "/staff/links/"


def test_verify_never_redirects_to_another_site(client, clinic_staff):
    client.force_login(clinic_staff)
    codes = set_up_app(client, clinic_staff)
    client.logout()
    client.force_login(clinic_staff)
    response = client.post("/account/two-factor/verify/", {"code": codes[1], "next": "https://evil.example/"})
    assert response["Location"] == "/staff/"


def test_off_when_not_required(client, clinic_staff, settings):
    settings.REQUIRE_STAFF_MFA = False
    client.force_login(clinic_staff)
    assert client.get("/staff/").status_code == 200
