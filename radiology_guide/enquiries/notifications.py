"""Emails about an enquiry. They carry the reference, topic and an admin
link, never the patient's message."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from radiology_guide.core.models import ClinicDetails
from radiology_guide.enquiries import needs
from radiology_guide.enquiries.models import Enquiry

logger = logging.getLogger(__name__)


def notify(enquiry_id: int) -> bool:
    """Tell the clinic (and, if set, the patient). Never raises: a failure
    leaves the enquiry marked as not notified, for send_enquiry_notifications."""
    enquiry = Enquiry.objects.filter(pk=enquiry_id).first()
    if enquiry is None or enquiry.status == Enquiry.Status.HELD:
        return False
    ok = True
    if enquiry.notified_at is None:
        ok = _send(enquiry, "clinic", _notify_clinic)
    if ok and settings.ENQUIRY_ACKNOWLEDGE and enquiry.email and enquiry.acknowledged_at is None:
        _send(enquiry, "acknowledgement", _acknowledge)
    return ok


def is_pending(enquiry_id: int) -> bool:
    return Enquiry.objects.pending_notification().filter(pk=enquiry_id).exists()


def _send(enquiry, kind, sender):
    try:
        sender(enquiry)
    except Exception as error:  # noqa: BLE001 - any failure must leave the enquiry safe
        Enquiry.objects.filter(pk=enquiry.pk).update(notify_attempts=enquiry.notify_attempts + 1)
        logger.warning("enquiry %s email failed ref=%s error=%s", kind, enquiry.reference, type(error).__name__)
        return False
    logger.info("enquiry %s email sent ref=%s", kind, enquiry.reference)
    return True


def _notify_clinic(enquiry):
    # The needs without the words typed under "something else": like the
    # message, they stay in the inbox.
    context = {"enquiry": enquiry, "clinic": ClinicDetails.load(), "needs": needs.flags(enquiry, detailed=False)}
    send_mail(
        gettext("New enquiry %(reference)s: %(topic)s")
        % {"reference": enquiry.reference, "topic": enquiry.topic_title},
        render_to_string("emails/clinic_notification.txt", context),
        None,
        settings.ENQUIRY_NOTIFY_EMAILS,
    )
    Enquiry.objects.filter(pk=enquiry.pk).update(
        notified_at=timezone.now(), notify_attempts=enquiry.notify_attempts + 1
    )
    enquiry.notified_at = timezone.now()


def _acknowledge(enquiry):
    context = {"enquiry": enquiry, "clinic": ClinicDetails.load()}
    with translation.override(enquiry.language):  # in the language they wrote in
        subject = gettext("We have received your enquiry (%(reference)s)") % {"reference": enquiry.reference}
        body = render_to_string("emails/acknowledgement.txt", context)
    send_mail(subject, body, None, [enquiry.email])
    Enquiry.objects.filter(pk=enquiry.pk).update(acknowledged_at=timezone.now())
