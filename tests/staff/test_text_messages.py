"""A receptionist texts a patient their link through GOV.UK Notify: Notify's
real client talks to our local Notify server (the notify_server fixture),
which checks its JWT; Notify's delivery receipts come back to
/notify/callback/ and staff see them. Numbers are masked, never logged, and
deleted with the enquiries."""

import io
import json
import re
import time

import jwt
import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from radiology_guide.enquiries import messaging
from radiology_guide.enquiries.models import EnquiryLink, LinkMessage
from radiology_guide.enquiries.notify_stub import DEV_EMAIL_TEMPLATE, DEV_SMS_TEMPLATE

pytestmark = pytest.mark.django_db
NUMBER = "07700 900987"


@pytest.fixture
def staff_client(client, clinic_staff):
    client.force_login(clinic_staff)
    return client


def hidden_fields(html):
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html))
    fields.pop("csrfmiddlewaretoken")
    return fields


def text_a_link(staff_client, capture, how="sms", **fields):
    """The whole journey: the form, the check step, "Yes, send it" (and the worker)."""
    data = {"topic": "CT scan", "expires": "30", "how": how, "phone": NUMBER, "action": "send", **fields}
    check = staff_client.post("/staff/", data)
    assert check.status_code == 200, check.content.decode()[:2000]
    with capture(execute=True):
        sent = staff_client.post("/staff/", {**hidden_fields(check.content.decode()), "action": "send"})
    assert sent.status_code == 302
    return check.content.decode(), EnquiryLink.objects.latest("created_at")


def receipt(client, payload, token="test-callback-token"):  # noqa: S107 - the tests' own token
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.post("/notify/callback/", json.dumps(payload), content_type="application/json", **headers)


def test_a_text_message_goes_through_notifys_client_with_a_good_jwt_and_the_full_link(
    staff_client, notify_server, django_capture_on_commit_callbacks, clinic_staff
):
    check, link = text_a_link(staff_client, django_capture_on_commit_callbacks)
    [sms] = notify_server.sent("sms")
    # The real client signed its request: HS256 with the key's secret, our service id, issued just now.
    [claims] = notify_server.claims
    assert claims["iss"] == notify_server.service_id and abs(time.time() - claims["iat"]) <= 30
    assert sms["to"] == "07700900987" and sms["template_id"] == DEV_SMS_TEMPLATE
    # The link written out in full (no shortener), and the code for typing it in.
    assert link.full_url() in sms["body"] and link.code in sms["body"]
    assert "bit.ly" not in sms["body"] and sms["body"].startswith("Rinebraska: here is our guide to CT scan")
    # The check step showed exactly that message, with its code to read aloud, its length and cost.
    shown = re.search(r'<pre class="sms-preview" id="sms-preview">(.*?)</pre>', check, re.S).group(1)
    assert shown.replace("&#x27;", "'") == sms["body"]
    count, _encoding, length = messaging.fragments(sms["body"])
    assert f"{length} characters" in check and f"{count} text messages at Notify" in check
    assert f"about {2.27 * count:.2f}p plus VAT" in check
    assert "Quebec" in check or "Alpha" in check or "zero" in check or "one" in check  # the code, read aloud
    message = LinkMessage.objects.get()
    assert (message.link, message.sent_by, message.channel) == (link, clinic_staff, "sms")
    assert message.notify_id == sms["id"] and message.status == LinkMessage.Status.SENDING
    html = staff_client.get(f"/staff/links/{link.pk}/").content.decode()
    assert "07••• •••987" in html and "Still sending" in html and sms["id"] in html
    assert "07700900987" not in html and NUMBER not in html


def test_the_local_notify_server_checks_the_jwt_as_notify_does(notify_server):
    good = NotificationsAPIClient(notify_server.api_key, base_url=notify_server.base_url)
    reply = good.send_sms_notification("07700900987", DEV_SMS_TEMPLATE, {"message": "Hello"})
    assert good.get_notification_by_id(reply["id"])["status"] == "sending"
    wrong_secret = notify_server.api_key[:-36] + "00000000-0000-4000-8000-000000000000"
    with pytest.raises(HTTPError) as refused:
        NotificationsAPIClient(wrong_secret, base_url=notify_server.base_url).get_notification_by_id(reply["id"])
    assert refused.value.status_code == 403
    # A token issued over 30 seconds ago, or by another service, is refused too.
    for claims in ({"iss": notify_server.service_id, "iat": int(time.time()) - 31},
                   {"iss": "someone-else", "iat": int(time.time())}):  # fmt: skip
        assert notify_server.check_token("Bearer " + jwt.encode(claims, notify_server.secret, algorithm="HS256"))
    assert notify_server.check_token(None) and notify_server.check_token("Bearer not-a-jwt")
    with pytest.raises(HTTPError) as missing:
        good.send_sms_notification("07700900987", DEV_SMS_TEMPLATE, {"wrong": "placeholder"})
    assert missing.value.status_code == 400 and "Missing personalisation: message" in str(missing.value.message)


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", "Enter the patient&#x27;s mobile number"),
        ("020 7946 0000", "Enter a mobile number: it starts with 07 or +44 7"),
        ("07700 90098", "A UK mobile number has 11 digits"),
        ("0770O 900987", "using only numbers and spaces"),
        ("+1 202 555 0100", "Enter a mobile number: it starts with 07 or +44 7"),
        ("07700-900-123", "using only numbers and spaces"),
    ],
)
def test_a_bad_number_is_a_clear_error_and_nothing_is_made_or_sent(staff_client, notify_server, typed, error):
    for how in ("sms", "both"):
        data = {"topic": "CT scan", "expires": "30", "how": how, "phone": typed, "email": "a@example.com",
                "action": "send", "checked": "yes"}  # fmt: skip
        response = staff_client.post("/staff/", data)
        html = response.content.decode()
        assert response.status_code == 400 and error in html
        assert 'type="tel" name="phone"' in html and "govuk-error-summary" in html
    assert EnquiryLink.objects.count() == LinkMessage.objects.count() == 0
    assert notify_server.sent() == [] and mail.outbox == []


@pytest.mark.parametrize(
    "typed", ["07700900987", "07700 900987", "+44 7700 900987", "+44 (0)7700 900 987", " 07700 900987 "]
)
def test_a_uk_mobile_is_read_however_it_is_typed(typed):
    assert messaging.uk_mobile(typed) == "07700900987"


@pytest.mark.parametrize(
    ("text", "count", "encoding"),
    [
        ("a" * 160, 1, "GSM"),
        ("a" * 161, 2, "GSM"),
        ("a" * 306, 2, "GSM"),
        ("a" * 307, 3, "GSM"),
        ("€" * 80, 1, "GSM"),  # two characters' room each
        ("€" * 81, 2, "GSM"),
        ("ŵ" + "a" * 69, 1, "Unicode"),  # Welsh: outside GSM, so 70 to a message
        ("ŵ" + "a" * 70, 2, "Unicode"),
        ("ŵ" + "a" * 133, 2, "Unicode"),
        ("ŵ" + "a" * 134, 3, "Unicode"),
    ],
)
def test_a_message_is_counted_in_fragments_as_networks_count_them(text, count, encoding):
    assert messaging.fragments(text)[:2] == (count, encoding)


def test_curly_quotes_from_the_clinics_name_do_not_make_the_message_unicode(staff_client, notify_server):
    assert messaging.fragments(messaging.gsm_friendly("St Mary’s – “radiology”"))[1] == "GSM"


def test_a_good_receipt_updates_the_status_and_a_wrong_or_missing_token_changes_nothing(
    client, staff_client, notify_server, django_capture_on_commit_callbacks
):
    _check, link = text_a_link(staff_client, django_capture_on_commit_callbacks)
    [sms] = notify_server.sent("sms")
    payload = notify_server.receipt(sms["id"], "delivered")
    for token in ("wrong-token", "", None, "test-callback-token-and-more"):
        assert receipt(client, payload, token).status_code == 401
    assert client.post("/notify/callback/", json.dumps(payload), content_type="application/json",
                       HTTP_AUTHORIZATION="Basic test-callback-token").status_code == 401  # fmt: skip
    assert LinkMessage.objects.get().status == LinkMessage.Status.SENDING
    assert client.get("/notify/callback/", HTTP_AUTHORIZATION="Bearer test-callback-token").status_code == 405
    assert receipt(client, payload).status_code == 204
    assert LinkMessage.objects.get().status == LinkMessage.Status.DELIVERED
    assert receipt(client, {**payload, "id": "5f3a0c4e-1111-4222-8333-944455556666"}).status_code == 404
    assert receipt(client, ["not", "a", "receipt"]).status_code == 400
    for page in (f"/staff/links/{link.pk}/", "/staff/links/"):
        html = staff_client.get(page).content.decode()
        assert "Delivered" in html and "07••• •••987" in html and "07700900987" not in html


def test_not_delivered_shows_notifys_reason_and_a_late_sending_does_not_undo_it(
    client, staff_client, notify_server, django_capture_on_commit_callbacks
):
    _check, link = text_a_link(staff_client, django_capture_on_commit_callbacks)
    [sms] = notify_server.sent("sms")
    assert receipt(client, notify_server.receipt(sms["id"], "permanent-failure")).status_code == 204
    assert receipt(client, notify_server.receipt(sms["id"], "sending")).status_code == 204
    message = LinkMessage.objects.get()
    assert (message.status, message.notify_status) == (LinkMessage.Status.NOT_DELIVERED, "permanent-failure")
    for page in (f"/staff/links/{link.pk}/", "/staff/links/"):
        html = staff_client.get(page).content.decode()
        assert "Not delivered</span>: The number or address does not exist" in html


def test_with_no_callback_token_set_every_receipt_is_refused(client, settings, notify_server):
    settings.NOTIFY_CALLBACK_TOKEN = ""
    assert receipt(client, {"id": "x", "status": "delivered"}, token="").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_the_local_server_calls_the_site_back_as_notify_does(live_server, notify_server):
    link = EnquiryLink.objects.create(topic="ct-scan", topic_title="CT scan")
    client = NotificationsAPIClient(notify_server.api_key, base_url=notify_server.base_url)
    reply = client.send_sms_notification("07700900987", DEV_SMS_TEMPLATE, {"message": "Hello"})
    LinkMessage.objects.create(link=link, channel="sms", to="07700900987", body="Hello", notify_id=reply["id"],
                               status=LinkMessage.Status.SENDING)  # fmt: skip
    url = live_server.url + "/notify/callback/"
    assert notify_server.call_back(reply["id"], "delivered", url=url, token="wrong") == 401
    assert LinkMessage.objects.get().status == LinkMessage.Status.SENDING
    assert notify_server.call_back(reply["id"], "delivered", url=url) == 204
    assert LinkMessage.objects.get().status == LinkMessage.Status.DELIVERED


def test_without_a_notify_key_a_text_is_a_file_in_var_sms(
    staff_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.NOTIFY_API_KEY = ""
    settings.SMS_DIR = tmp_path / "sms"
    _check, link = text_a_link(staff_client, django_capture_on_commit_callbacks)
    [written] = (tmp_path / "sms").iterdir()
    text = written.read_text()
    assert text.startswith("To: 07700900987\n") and link.full_url() in text
    assert LinkMessage.objects.get().status == LinkMessage.Status.HANDED_OVER
    assert "written to a file: Notify is not set up" in staff_client.get(f"/staff/links/{link.pk}/").content.decode()


def test_both_sends_the_email_by_the_mail_server_and_the_text_through_notify(
    staff_client, notify_server, django_capture_on_commit_callbacks
):
    _check, link = text_a_link(staff_client, django_capture_on_commit_callbacks, how="both", email="p@example.com")
    assert [message.to for message in mail.outbox] == [["p@example.com"]] and len(notify_server.sent("sms")) == 1
    assert sorted(LinkMessage.objects.values_list("channel", "to")) == [("email", ""), ("sms", "07700900987")]


def test_email_goes_through_notify_when_its_template_is_set(
    staff_client, settings, notify_server, django_capture_on_commit_callbacks
):
    settings.NOTIFY_EMAIL_TEMPLATE_ID = DEV_EMAIL_TEMPLATE
    _check, link = text_a_link(staff_client, django_capture_on_commit_callbacks, how="email", email="p@example.com")
    [email] = notify_server.sent("email")
    assert mail.outbox == [] and email["to"] == "p@example.com" and link.full_url() in email["body"]
    assert email["subject"] == "Rinebraska: information about CT scan"
    assert "p•••@example.com" in staff_client.get(f"/staff/links/{link.pk}/").content.decode()


def test_texting_an_existing_link_from_its_page(staff_client, notify_server, django_capture_on_commit_callbacks):
    link = EnquiryLink.objects.create(topic="ct-scan", topic_title="CT scan")
    check = staff_client.post(f"/staff/links/{link.pk}/", {"how": "sms", "phone": "+44 7700 900987"})
    html = check.content.decode()
    assert "<h1>Check the number with the patient</h1>" in html and link.code in html
    assert notify_server.sent() == []
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/staff/links/{link.pk}/", {**hidden_fields(html), "action": "send"})
    [sms] = notify_server.sent("sms")
    assert link.full_url() in sms["body"]


def test_notify_down_is_tried_again_then_shown_as_not_sent(
    staff_client, notify_server, django_capture_on_commit_callbacks
):
    # Django's immediate backend (the tests') cannot run a task later: it gives up at once.
    notify_server.fail_next = [503]
    text_a_link(staff_client, django_capture_on_commit_callbacks)
    message = LinkMessage.objects.get()
    assert message.status == LinkMessage.Status.NOT_DELIVERED and "could not be reached" in message.reason
    assert notify_server.sent() == [] and message.attempts == 1


def test_notify_refusing_a_message_is_shown_with_its_reason(
    staff_client, settings, notify_server, django_capture_on_commit_callbacks
):
    settings.NOTIFY_SMS_TEMPLATE_ID = "00000000-0000-4000-8000-000000000000"
    text_a_link(staff_client, django_capture_on_commit_callbacks)
    assert LinkMessage.objects.get().reason == "Notify refused it: Template not found"


def test_a_link_revoked_before_the_worker_sends_nothing(staff_client, notify_server, clinic_staff):
    link = EnquiryLink.objects.create(topic="ct-scan", topic_title="CT scan", revoked_at=timezone.now())
    message = LinkMessage.objects.create(link=link, channel="sms", to="07700900987", body="Hi", sent_by=clinic_staff)
    messaging.send(message.pk)
    assert notify_server.sent() == [] and LinkMessage.objects.get().status == LinkMessage.Status.NOT_DELIVERED


def test_numbers_are_deleted_by_the_enquiries_retention_and_erasure(settings):
    settings.ENQUIRY_RETENTION_DAYS = 30
    link = EnquiryLink.objects.create(topic="ct-scan", topic_title="CT scan")
    old = LinkMessage.objects.create(link=link, channel="sms", to="07700900111", body="Hi")
    LinkMessage.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(days=31))
    recent = LinkMessage.objects.create(link=link, channel="sms", to="07700900222", body="Hi")
    emailed = LinkMessage.objects.create(link=link, channel="email", to="p@example.com", body="Hi")
    out = io.StringIO()
    call_command("purge_enquiries", "--dry-run", stdout=out)
    assert "0 enquiry(s) older than 30 days would be deleted, and 1 link message(s)" in out.getvalue()
    call_command("purge_enquiries", stdout=out)
    assert set(LinkMessage.objects.all()) == {recent, emailed}
    assert not LinkMessage.objects.filter(to="07700900111").exists()
    call_command("erase_enquiries", "--phone", "+44 7700 900222", "--email", "P@example.com", stdout=out)
    assert "erased 0 enquiry(s) and 2 link message(s)" in out.getvalue()
    assert LinkMessage.objects.count() == 0 and EnquiryLink.objects.count() == 1


def test_no_phone_number_reaches_the_log(
    client, staff_client, notify_server, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level("DEBUG")
    _check, link = text_a_link(staff_client, django_capture_on_commit_callbacks)
    [sms] = notify_server.sent("sms")
    receipt(client, notify_server.receipt(sms["id"], "permanent-failure"))
    staff_client.get(f"/staff/links/{link.pk}/")
    notify_server.fail_next = [500]
    text_a_link(staff_client, django_capture_on_commit_callbacks)
    assert "link message sent" in caplog.text and "link message receipt" in caplog.text
    digits = re.sub(r"\D", "", caplog.text)
    assert "7700900987" not in digits and "900987" not in caplog.text


def test_a_message_whose_task_was_lost_is_sent_by_send_link_messages(notify_server, clinic_staff):
    link = EnquiryLink.objects.create(topic="ct-scan", topic_title="CT scan")
    message = LinkMessage.objects.create(link=link, channel="sms", to="07700900987", body="Hi", sent_by=clinic_staff)
    LinkMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timezone.timedelta(minutes=5))
    out = io.StringIO()
    call_command("send_link_messages", stdout=out)
    assert "1 sent, 0 still waiting" in out.getvalue() and len(notify_server.sent("sms")) == 1
    call_command("send_link_messages", stdout=out)
    assert len(notify_server.sent("sms")) == 1  # sent once only
