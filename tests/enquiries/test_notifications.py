"""The clinic hears about each enquiry after it is safely stored; if email
fails, the enquiry waits for the retry command."""

import pytest
from django.core import mail
from django.core.management import call_command

from radiology_guide.enquiries.models import Enquiry
from tests.helpers import MAIL_SERVER_DOWN

pytestmark = pytest.mark.django_db


def test_the_clinic_is_emailed_after_commit_without_the_patients_message(
    client, valid_post, settings, django_capture_on_commit_callbacks
):
    settings.ENQUIRY_NOTIFY_EMAILS = ["desk@clinic.example"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post("/enquire/", valid_post())
    assert len(callbacks) == 1 and mail.outbox == []  # nothing sent before the commit
    callbacks[0]()
    enquiry = Enquiry.objects.get()
    notification = mail.outbox[0]
    assert notification.to == ["desk@clinic.example"]
    assert enquiry.reference in notification.subject and "CT scan" in notification.subject
    assert f"/staff/enquiries/{enquiry.reference}/" in notification.body
    for private in ("daughter", "zoe@example.com", "Zoë"):
        assert private not in notification.body + notification.subject
    assert enquiry.notified_at is not None


def test_the_patient_gets_an_acknowledgement_without_their_message(
    client, valid_post, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/enquire/", valid_post())
    acknowledgement = mail.outbox[1]
    assert acknowledgement.to == ["zoe@example.com"]
    assert Enquiry.objects.get().reference in acknowledgement.body
    assert "daughter" not in acknowledgement.body


def test_no_acknowledgement_when_switched_off(client, valid_post, settings, django_capture_on_commit_callbacks):
    settings.ENQUIRY_ACKNOWLEDGE = False
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/enquire/", valid_post())
    assert len(mail.outbox) == 1


def test_when_email_fails_the_enquiry_stays_stored_and_the_retry_command_sends_it(
    client, valid_post, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = MAIL_SERVER_DOWN
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/enquire/", valid_post(), follow=True)
    assert response.status_code == 200 and "Enquiry sent" in response.content.decode()
    enquiry = Enquiry.objects.get()
    assert enquiry.notified_at is None and enquiry.notify_attempts == 1

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    call_command("send_enquiry_notifications", stdout=None)
    enquiry.refresh_from_db()
    assert enquiry.notified_at is not None
    assert any(enquiry.reference in message.subject for message in mail.outbox)

    mail.outbox.clear()
    call_command("send_enquiry_notifications", stdout=None)  # safe to run again: nothing twice
    assert mail.outbox == []
