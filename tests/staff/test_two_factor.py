"""Staff and admins need a second factor (an authenticator app, or a
recovery code) before they reach any staff or admin page."""

import re
from base64 import b32encode

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
    assert "<svg" in html and re.search(r'<code class="secret">(?:[A-Z2-7]{4} ){7,}[A-Z2-7]{1,4}</code>', html)
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


@pytest.fixture
def slow_throttle(settings):
    """A minute's wait after one wrong code (django-otp doubles the wait from
    1 second by default), so the test does not race the clock."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    settings.OTP_STATIC_THROTTLE_FACTOR = 60


@pytest.mark.parametrize("step", ["setup", "verify"])
def test_a_right_code_too_soon_after_a_wrong_one_says_to_wait_and_for_how_long(client, clinic_staff, slow_throttle,
                                                                                step):  # fmt: skip
    client.force_login(clinic_staff)
    url = "/account/two-factor/setup/"
    if step == "verify":
        set_up_app(client, clinic_staff)
        TOTPDevice.objects.filter(user=clinic_staff).update(last_t=-1)  # as at a later sign-in
        client.logout()
        client.force_login(clinic_staff)
        url = "/account/two-factor/verify/"
    else:
        client.get(url)
    wrong = client.post(url, {"code": "000000"}).content.decode()
    assert "That code is not right" in wrong and "Wait 1 minute before you try again" in wrong
    right_too_soon = client.post(url, {"code": current_code(clinic_staff), "next": "/staff/"})
    html = right_too_soon.content.decode()
    assert right_too_soon.status_code == 200 and "not right" not in html
    assert re.search(r"Too many wrong codes in a row\. Wait (1 minute|\d+ seconds), then enter the newest code", html)
    wait_out_throttling(clinic_staff)
    accepted = client.post(url, {"code": current_code(clinic_staff), "next": "/staff/"})
    assert accepted.status_code in (200, 302) and "not right" not in accepted.content.decode()
    assert client.get("/staff/").status_code == 200


def test_the_key_is_shown_in_groups_of_four(client, clinic_staff):
    client.force_login(clinic_staff)
    shown = re.search(r'<code class="secret">([^<]+)</code>', client.get("/account/two-factor/setup/").content.decode())
    groups = shown.group(1).split(" ")
    assert len(groups) >= 8 and all(len(group) == 4 for group in groups[:-1])
    device = TOTPDevice.objects.get(user=clinic_staff)
    assert "".join(groups) == b32encode(device.bin_key).decode()


def test_recovery_codes_can_be_downloaded_as_text_and_printed(client, clinic_staff):
    client.force_login(clinic_staff)
    client.get("/account/two-factor/setup/")
    page = client.post("/account/two-factor/setup/", {"code": current_code(clinic_staff), "next": "/staff/"})
    html = page.content.decode()
    codes = re.findall(r"<li><code>([^<]+)</code></li>", html)
    assert '<form method="post" action="/account/two-factor/recovery-codes.txt"' in html
    assert "Print this page" in html
    download = client.post("/account/two-factor/recovery-codes.txt")
    assert download.status_code == 200 and download["Content-Type"] == "text/plain; charset=utf-8"
    assert download["Content-Disposition"] == 'attachment; filename="recovery-codes.txt"'
    assert "no-store" in download["Cache-Control"]
    text = download.content.decode()
    assert [line for line in text.splitlines() if line in codes] == codes and "sam" in text
    # Only the session that was shown them, and never to a visitor who is not signed in with two factors.
    from django.test import Client

    other = Client()
    other.force_login(clinic_staff)
    assert other.post("/account/two-factor/recovery-codes.txt").status_code in (302, 404)
    assert Client().post("/account/two-factor/recovery-codes.txt").status_code == 302
