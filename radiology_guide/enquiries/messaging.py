"""Text messages and emails that take an enquiry link to a patient, through
GOV.UK Notify: the one place such a message leaves, and where Notify's
delivery receipts land.

Staff queue a message (``queue``); the Tasks worker sends it (``send``,
from ``tasks.send_link_message``, queued by ``tasks.queue_link_message``), so a page never waits for Notify. Without
NOTIFY_API_KEY a text message is written to a file under SMS_DIR instead.
Phone numbers and addresses are never logged: log lines name the message's
id, its channel and Notify's id.
"""

import logging
import math
import re

from django.conf import settings
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from radiology_guide.core.models import ClinicDetails
from radiology_guide.enquiries.models import LinkMessage, one_line

logger = logging.getLogger(__name__)

# GSM 03.38, the alphabet a text message is written in unless it needs Unicode.
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# These take two characters' room each (an escape, then the sign).
GSM_EXTENDED = set("^{}\\[~]|€\f")
# Typed by people and by word processors, but outside GSM: one of them would make
# the whole message Unicode (70 characters a fragment instead of 160).
GSM_FRIENDLY = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "\u00a0": " "})


def gsm_friendly(text):
    return text.translate(GSM_FRIENDLY)


def fragments(text):
    """(fragments, encoding, length) of a text message, as networks count
    them: 160 GSM characters in one, 153 each once it is split; 70 and 67
    when any character is outside GSM (then every character is Unicode)."""
    if all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in text):
        length = sum(2 if ch in GSM_EXTENDED else 1 for ch in text)
        single, part, encoding = 160, 153, "GSM"
    else:
        length = sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)
        single, part, encoding = 70, 67, "Unicode"
    return (1 if length <= single else math.ceil(length / part)), encoding, length


def cost_pence(count):
    return settings.SMS_FRAGMENT_COST_PENCE * count


class NotAMobile(ValueError):
    pass


NOT_UK = _("Enter a mobile number: it starts with 07 or +44 7, like 07700 900123")


def uk_mobile(typed):
    """07700900123 for 07700 900123, +44 7700 900123 or +44 (0)7700 900123;
    NotAMobile, with what to put right, for anything else."""
    compact = typed.strip().replace(" ", "")
    if compact.startswith("+44"):
        compact = "0" + compact[3:].removeprefix("(0)")
    elif compact.startswith("+"):
        raise NotAMobile(NOT_UK)
    if not re.fullmatch(r"[0-9]+", compact):
        raise NotAMobile(gettext("Enter a UK mobile number using only numbers and spaces, like 07700 900123"))
    if not compact.startswith("07"):
        raise NotAMobile(NOT_UK)
    if len(compact) != 11:
        raise NotAMobile(gettext("A UK mobile number has 11 digits, like 07700 900123"))
    return compact


def sms_text(link):
    """The text message as the patient reads it: the link written out in
    full (no link shortener), and the code in case it does not open."""
    context = {"link": link, "clinic": ClinicDetails.load(), "site_url": settings.SITE_URL}
    return gsm_friendly(render_to_string("sms/enquiry_link.txt", context).strip())


def email_content(link):
    """(subject, plain-text body) of the link's email, for the mail server and Notify alike."""
    clinic = ClinicDetails.load()
    context = {"link": link, "clinic": clinic, "site_url": settings.SITE_URL}
    subject = one_line(
        gettext("%(clinic)s: information about %(topic)s")
        % {"clinic": one_line(clinic.name), "topic": link.topic_title}
    )
    return subject, render_to_string("emails/enquiry_link.txt", context)


def email_through_notify():
    return bool(settings.NOTIFY_API_KEY and settings.NOTIFY_EMAIL_TEMPLATE_ID)


def new_message(link, channel, to, user) -> LinkMessage:
    """Record a message on the link's timeline, "waiting to go" (the worker
    sends it: tasks.queue_link_message)."""
    if channel == LinkMessage.Channel.SMS:
        subject, body = "", sms_text(link)
    else:
        subject, body = email_content(link)
    return LinkMessage.objects.create(link=link, channel=channel, to=to, subject=subject, body=body, sent_by=user)


class TryLater(Exception):
    """Notify could not be reached, or was busy: the worker tries again."""


def send(message_id):
    """Send one queued message. Returns when it is done with (sent, or refused
    for good, or its link no longer works); raises TryLater otherwise."""
    message = LinkMessage.objects.select_related("link").filter(pk=message_id).first()
    if message is None or message.status != LinkMessage.Status.QUEUED:
        return
    if message.is_reminder:
        if problem := reminder_problem(message):
            _finish(message, LinkMessage.Status.CANCELLED, "", problem)
            logger.info("plan reminder not sent message=%s", message.pk)
            return
        if message.send_after > timezone.now():
            return  # early: its task, or send_link_messages, comes back at its time
    if not message.link.is_live:
        _finish(message, LinkMessage.Status.NOT_DELIVERED, "", LINK_GONE)
        return
    # Claim it: of two workers holding the same task, only one sends.
    claimed = LinkMessage.objects.filter(pk=message.pk, attempts=message.attempts).update(
        attempts=models.F("attempts") + 1
    )
    if not claimed:
        return
    if message.channel == LinkMessage.Channel.SMS and not settings.NOTIFY_API_KEY:
        _write_file(message)
        return
    from notifications_python_client.errors import HTTPError

    try:
        reply = _send_through_notify(message)
    except HTTPError as error:
        if 400 <= error.status_code < 500 and error.status_code != 429:
            # Refused for good (a number Notify will not text, a trial-mode key, a wrong template).
            reason = gettext("Notify refused it: %(error)s") % {"error": _notify_error(error)}
            _finish(message, LinkMessage.Status.NOT_DELIVERED, "", reason)
            logger.warning("link message refused message=%s status=%s", message.pk, error.status_code)
            return
        logger.warning("link message not sent message=%s status=%s", message.pk, error.status_code)
        raise TryLater from error
    LinkMessage.objects.filter(pk=message.pk).update(
        notify_id=reply["id"], status=LinkMessage.Status.SENDING, sent_at=timezone.now(), status_at=timezone.now()
    )
    logger.info("link message sent message=%s channel=%s notify_id=%s", message.pk, message.channel, reply["id"])


# Why a message did not go, stored on it in English and translated where
# staff read it (templates/staff/includes/delivery.html), so that a reason
# written by the worker reads in each reader's language.
LINK_GONE = gettext_noop("The link was revoked or expired before it went.")
NUMBER_ERASED = gettext_noop("The number was erased.")
APPOINTMENT_CANCELLED = gettext_noop("The appointment was cancelled.")
APPOINTMENT_CHANGED = gettext_noop("The appointment changed.")
APPOINTMENT_PASSED = gettext_noop("The appointment has passed.")
NOTIFY_UNREACHABLE = gettext_noop("Notify could not be reached. Send it again.")


def reminder_problem(message):
    """Why a reminder from a patient's plan must not go now, or "": checked
    just before it goes, as the link and the appointment may have changed
    since it was asked for."""
    link = message.link
    if not message.to:
        return NUMBER_ERASED
    if not link.is_live:
        return LINK_GONE
    if link.appointment_at is None:
        return APPOINTMENT_CANCELLED
    if link.appointment_at != message.for_appointment:
        return APPOINTMENT_CHANGED
    if link.appointment_at <= timezone.now():
        return APPOINTMENT_PASSED
    return ""


def give_up(message_id):
    """After the last try: staff see it was not sent, and can send it again."""
    message = LinkMessage.objects.filter(pk=message_id, status=LinkMessage.Status.QUEUED).first()
    if message:
        _finish(message, LinkMessage.Status.NOT_DELIVERED, "", NOTIFY_UNREACHABLE)


def _send_through_notify(message):
    from notifications_python_client.notifications import NotificationsAPIClient

    # One client per message: Notify's client is not thread-safe.
    client = NotificationsAPIClient(settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=15)
    reference = f"link-message-{message.pk}"
    if message.channel == LinkMessage.Channel.SMS:
        return client.send_sms_notification(
            phone_number=message.to,
            template_id=settings.NOTIFY_SMS_TEMPLATE_ID,
            personalisation={"message": message.body},
            reference=reference,
        )
    return client.send_email_notification(
        email_address=message.to,
        template_id=settings.NOTIFY_EMAIL_TEMPLATE_ID,
        personalisation={"subject": message.subject, "body": message.body},
        reference=reference,
    )


def _notify_error(error):
    """Notify's explanation, for staff; any long run of digits taken out, in
    case a reply ever repeats the number."""
    detail = error.message
    if isinstance(detail, list):
        detail = "; ".join(str(item.get("message", "")) for item in detail if isinstance(item, dict))
    return re.sub(r"\+?\d[\d ]{5,}\d", "[number]", str(detail))[:200]


def _write_file(message):
    """Development without Notify: var/sms/<time>-<id>.txt, as email goes to var/mail."""
    settings.SMS_DIR.mkdir(parents=True, exist_ok=True)
    path = settings.SMS_DIR / f"{timezone.now():%Y%m%d-%H%M%S}-{message.pk}.txt"
    path.write_text(f"To: {message.to}\nFragments: {fragments(message.body)[0]}\n\n{message.body}\n", encoding="utf-8")
    _finish(message, LinkMessage.Status.HANDED_OVER, "", "")
    LinkMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now())
    logger.info("link message written to a file message=%s", message.pk)


def _finish(message, status, notify_status, reason):
    LinkMessage.objects.filter(pk=message.pk).update(
        status=status, notify_status=notify_status, reason=reason, status_at=timezone.now()
    )


# Notify's delivery statuses, and what they mean for the patient, in our words.
# Stored in English, translated where staff read them (as the reasons above).
NOT_DELIVERED_REASONS = {
    "permanent-failure": gettext_noop(
        "The number or address does not exist, or the network refused it. Check it with the patient."
    ),
    "temporary-failure": gettext_noop(
        "The phone was off or out of signal, or the inbox was full, until Notify stopped trying. You can send it again."
    ),
    "technical-failure": gettext_noop("A problem between Notify and its provider stopped it going. Send it again."),
}

STILL_SENDING = {"created", "sending", "pending", "sent"}


def record_receipt(payload):
    """Notify's delivery receipt (its callback's JSON): True if it was for
    one of our messages. A final status is never replaced by "sending"."""
    notify_id, notify_status = str(payload.get("id", "")), str(payload.get("status", ""))
    message = LinkMessage.objects.filter(notify_id=notify_id).first() if notify_id else None
    if message is None:
        return False
    if notify_status == "delivered":
        status, reason = LinkMessage.Status.DELIVERED, ""
    elif notify_status in NOT_DELIVERED_REASONS:
        status, reason = LinkMessage.Status.NOT_DELIVERED, NOT_DELIVERED_REASONS[notify_status]
    elif notify_status in STILL_SENDING:
        if message.is_final:
            return True
        status, reason = LinkMessage.Status.SENDING, ""
    else:
        return True  # a status Notify may add one day: nothing to change
    _finish(message, status, notify_status, reason)
    logger.info("link message receipt message=%s status=%s", message.pk, notify_status)
    return True
