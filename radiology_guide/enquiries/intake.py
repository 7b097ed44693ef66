"""The one place an enquiry is saved.

The enquiry is committed to the database first. Everything that can fail
afterwards (the notification email, a crashed task) runs after the commit and
cannot lose it.
"""

import enum
import logging

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from radiology_guide.core import ratelimit
from radiology_guide.enquiries.models import Enquiry
from radiology_guide.enquiries.tasks import notify_enquiry

logger = logging.getLogger(__name__)


class Outcome(enum.Enum):
    STORED = "stored"
    DUPLICATE = "duplicate"  # the same form sent again: the first enquiry stands
    HELD = "held"  # stored, but over the rate limit: no notification, polite page


def receive(form, request, link=None) -> tuple[Enquiry, Outcome]:
    """Store a valid form that passed the spam checks (EnquiryForm.failed_spam_check)."""
    existing = Enquiry.objects.filter(submission_token=form.nonce).first()
    if existing:
        return existing, Outcome.DUPLICATE
    enquiry = form.save(commit=False)
    enquiry.topic_title = form.topic_title()
    enquiry.consent_at = timezone.now()
    enquiry.submission_token = form.nonce
    enquiry.link = link
    try:
        with transaction.atomic():
            enquiry.save()
    except IntegrityError:
        # Two submits of one form raced each other; the other one won.
        return Enquiry.objects.get(submission_token=form.nonce), Outcome.DUPLICATE
    # Stored and committed: nothing below can lose it.
    held = _over_rate_limit(request)
    if held:
        Enquiry.objects.filter(pk=enquiry.pk).update(status=Enquiry.Status.HELD)
        enquiry.status = Enquiry.Status.HELD
    else:
        # If even queueing the email fails, the enquiry stays pending for
        # send_enquiry_notifications.
        transaction.on_commit(lambda: notify_enquiry.enqueue(enquiry.pk), robust=True)
    logger.info("enquiry stored ref=%s held=%s", enquiry.reference, held)
    return enquiry, Outcome.HELD if held else Outcome.STORED


def _over_rate_limit(request) -> bool:
    """Over the limit? If the count cannot be made, allow it: a patient's
    enquiry matters more than a perfect count."""
    try:
        return ratelimit.over_limit("enquiry", request, settings.ENQUIRY_RATE_LIMIT)
    except DatabaseError as error:
        logger.warning("enquiry rate limit not counted error=%s", type(error).__name__)
        return False
