"""Issue 12's findings about the staff area, each as the story of the attack
or the mistake, so that each one fails if the hole opens again."""

import logging
import re
from base64 import b32decode, b32encode

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from radiology_guide.core.models import ClinicDetails
from radiology_guide.enquiries.models import Enquiry, EnquiryLink

pytestmark = pytest.mark.django_db

SETUP = "/account/two-factor/setup/"
VERIFY = "/account/two-factor/verify/"


def shown_secret(response):
    shown = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', response.content.decode()).group(1)
    return shown.replace(" ", "")  # shown in groups of four


def code_for(secret):
    return f"{totp(b32decode(secret)):06d}"


# Item 2: two-factor enrolment.


def test_each_visit_to_set_up_shows_a_new_secret(client, clinic_staff, settings):
    settings.REQUIRE_STAFF_MFA = True
    client.force_login(clinic_staff)
    assert shown_secret(client.get(SETUP)) != shown_secret(client.get(SETUP))
    assert TOTPDevice.objects.filter(user=clinic_staff).count() == 1  # reloading does not pile secrets up


def test_a_secret_seen_with_a_stolen_password_is_useless_once_the_real_user_enrols(
    client, clinic_staff, settings, django_user_model
):
    settings.REQUIRE_STAFF_MFA = True
    # The attacker signs in with the stolen password and reads the set-up page.
    from django.test import Client

    attacker = Client()
    attacker.force_login(clinic_staff)
    stolen = shown_secret(attacker.get(SETUP))
    # The real user sets up their app.
    client.force_login(clinic_staff)
    mine = shown_secret(client.get(SETUP))
    done = client.post(SETUP, {"code": code_for(mine), "next": "/staff/"})
    assert "Your recovery codes" in done.content.decode()
    assert list(TOTPDevice.objects.filter(user=clinic_staff).values_list("confirmed", flat=True)) == [True]
    assert all(b32encode(device.bin_key).decode() != stolen for device in TOTPDevice.objects.filter(user=clinic_staff))
    TOTPDevice.objects.filter(user=clinic_staff).update(last_t=-1)  # a later time step: no replay protection to lean on
    # Later the attacker signs in again and tries a code from the stolen secret.
    attacker = Client()
    attacker.force_login(clinic_staff)
    attempt = attacker.post(VERIFY, {"code": code_for(stolen), "next": "/staff/"})
    assert "That code is not right" in attempt.content.decode()
    assert attacker.get("/staff/").status_code == 302


@pytest.mark.parametrize("step", ["setup", "verify"])
def test_the_session_key_changes_when_the_second_factor_is_verified(client, clinic_staff, settings, step):
    settings.REQUIRE_STAFF_MFA = True
    client.force_login(clinic_staff)
    secret = shown_secret(client.get(SETUP))
    if step == "verify":
        client.post(SETUP, {"code": code_for(secret)})
        client.logout()
        client.force_login(clinic_staff)
        TOTPDevice.objects.filter(user=clinic_staff).update(last_t=-1)
    before = client.session.session_key
    response = client.post(SETUP if step == "setup" else VERIFY, {"code": code_for(secret), "next": "/staff/"})
    assert response.status_code in (200, 302) and "not right" not in response.content.decode()
    assert client.session.session_key != before
    assert client.get("/staff/").status_code == 200


@pytest.mark.parametrize("step", ["setup", "verify"])
def test_wrong_codes_are_logged_as_failures_without_the_code(client, clinic_staff, settings, caplog, step):
    settings.REQUIRE_STAFF_MFA = True
    client.force_login(clinic_staff)
    secret = shown_secret(client.get(SETUP))
    if step == "verify":
        client.post(SETUP, {"code": code_for(secret)})
        client.logout()
        client.force_login(clinic_staff)
    with caplog.at_level(logging.INFO):
        client.post(SETUP if step == "setup" else VERIFY, {"code": "123456"})
    failures = [r for r in caplog.records if "two-factor code failed" in r.getMessage()]
    assert len(failures) == 1 and failures[0].levelno == logging.WARNING
    assert f"user={clinic_staff.pk}" in failures[0].getMessage() and "123456" not in caplog.text


# Item 8: the staff area by permission, and two-factor for everyone who can reach it.


def test_unticking_staff_status_does_not_skip_two_factor_for_the_staff_area(client, clinic_staff, settings):
    settings.REQUIRE_STAFF_MFA = True
    clinic_staff.is_staff = False
    clinic_staff.save()
    client.force_login(clinic_staff)  # a password-only session
    response = client.get("/staff/")
    assert response.status_code == 302 and response["Location"].startswith(SETUP)


def test_the_staff_area_admits_by_permission_not_group_name(client, django_user_model):
    user = django_user_model.objects.create_user("locum", password="a-long-test-password")
    client.force_login(user)
    assert client.get("/staff/").status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="use_staff_area"))
    client.force_login(django_user_model.objects.get(pk=user.pk))
    assert client.get("/staff/").status_code == 200


# Item 10: a newline in a link's topic title.


def test_a_newline_typed_into_a_topic_title_in_admin_is_cleaned_on_save(admin_client):
    link = EnquiryLink.objects.create(topic="ct-scan", topic_title="CT scan")
    data = {"topic": "ct-scan", "topic_title": "CT scan\r\nBcc: victim@example.com", "label": "", "expires_at_0": "",
            "expires_at_1": "", "revoked_at_0": "", "revoked_at_1": ""}  # fmt: skip
    response = admin_client.post(f"/admin/enquiries/enquirylink/{link.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    link.refresh_from_db()
    assert link.topic_title == "CT scan Bcc: victim@example.com"


def test_a_newline_in_an_old_title_stays_in_the_subject_and_adds_no_header(client, clinic_staff):
    client.force_login(clinic_staff)
    link = EnquiryLink.objects.create(topic="ct-scan", topic_title="CT scan")
    EnquiryLink.objects.filter(pk=link.pk).update(topic_title="CT scan\nBcc: victim@example.com")  # as old rows may be
    response = client.post(f"/staff/links/{link.pk}/", {"email": "patient@example.com", "checked": "yes"})
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.subject == "Rinebraska: information about CT scan Bcc: victim@example.com"
    assert message.recipients() == ["patient@example.com"] and message.message()["Bcc"] is None


# Item 11: links in admin, and plain-text emails.


def test_a_revoked_link_cannot_be_brought_back_in_admin(admin_client):
    from django.utils import timezone

    link = EnquiryLink.objects.create(topic="ct-scan", topic_title="CT scan", revoked_at=timezone.now())
    data = {"topic": "ct-scan", "topic_title": "CT scan", "label": "", "expires_at_0": "", "expires_at_1": "",
            "revoked_at_0": "", "revoked_at_1": ""}  # fmt: skip
    admin_client.post(f"/admin/enquiries/enquirylink/{link.pk}/change/", data)
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_a_link_made_in_admin_records_who_made_it(admin_client, admin_user):
    data = {"topic": "ct-scan", "topic_title": "CT scan", "label": "Made in admin", "expires_at_0": "",
            "expires_at_1": "", "revoked_at_0": "", "revoked_at_1": ""}  # fmt: skip
    response = admin_client.post("/admin/enquiries/enquirylink/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert EnquiryLink.objects.get(label="Made in admin").created_by == admin_user


def test_plain_text_emails_keep_apostrophes_and_ampersands(
    client, clinic_staff, valid_post, settings, django_capture_on_commit_callbacks
):
    settings.ENQUIRY_MIN_FILL_SECONDS = 0
    ClinicDetails(pk=1, name="St Mary's & St John's").save()
    client.force_login(clinic_staff)
    link = EnquiryLink.objects.create(topic="ct-scan", topic_title="Children's CT & X-ray")
    client.post(f"/staff/links/{link.pk}/", {"email": "patient@example.com", "checked": "yes"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/enquire/", valid_post(topic="ct-scan"))
    bodies = [message.body for message in mail.outbox]
    assert len(bodies) == 3  # the link, the clinic's notification, the patient's acknowledgement
    for body in bodies:
        assert "&amp;" not in body and "&#x27;" not in body and "&#39;" not in body
    assert "Children's CT & X-ray" in bodies[0]
    assert all("St Mary's & St John's" in body for body in (bodies[0], bodies[2]))
    assert Enquiry.objects.count() == 1
