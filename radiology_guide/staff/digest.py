"""The daily overdue digest: one email to the clinic listing every enquiry
nobody has reached within the promise. References, topics and ages only: the
patient's details stay behind the staff sign-in."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import ngettext

from radiology_guide.core.models import ClinicDetails
from radiology_guide.staff.inbox import overdue
from radiology_guide.staff.workdays import age_in_working_days

logger = logging.getLogger(__name__)


def send_overdue_digest():
    """Send the digest if anything is overdue; return how many were listed."""
    enquiries = list(overdue().select_related("assignee").order_by("received_at"))
    if not enquiries:
        logger.info("overdue digest: nothing overdue")
        return 0
    clinic = ClinicDetails.load()
    for enquiry in enquiries:
        enquiry.age = age_in_working_days(enquiry.received_at, clinic=clinic)
        enquiry.staff_url = settings.SITE_URL + reverse("staff:enquiry", args=[enquiry.reference])
    context = {
        "enquiries": enquiries,
        "reply_days": settings.ENQUIRY_REPLY_DAYS,
        "inbox_url": settings.SITE_URL + reverse("staff:inbox") + "?show=overdue",
    }
    count = len(enquiries)
    send_mail(
        ngettext("%(count)d overdue enquiry", "%(count)d overdue enquiries", count) % {"count": count},
        render_to_string("emails/overdue_digest.txt", context),
        None,
        settings.ENQUIRY_NOTIFY_EMAILS,
    )
    logger.info("overdue digest sent count=%s", count)
    return count
