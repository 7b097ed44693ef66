"""Background work, run by the Tasks worker (`manage.py db_worker`).

The enquiry row stays the record of what is pending (``notified_at``), so
nothing depends on a task surviving: ``send_enquiry_notifications`` sends
whatever a lost task left behind.
"""

import datetime
import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from radiology_guide.enquiries import messaging, notifications

logger = logging.getLogger(__name__)

# Seconds to wait before trying a failed email again: 1 minute, then longer,
# up to about 3 hours in all (a mail server down for a maintenance window).
RETRY_DELAYS = (60, 300, 900, 3600, 2 * 3600)


@task
def notify_enquiry(enquiry_id: int, attempt: int = 1):
    if notifications.notify(enquiry_id):
        return True
    if attempt <= len(RETRY_DELAYS) and notifications.is_pending(enquiry_id) and _can_defer():
        delay = datetime.timedelta(seconds=RETRY_DELAYS[attempt - 1])
        notify_enquiry.using(run_after=timezone.now() + delay).enqueue(enquiry_id, attempt + 1)
    return False


def _can_defer():
    # Django's immediate backend (tests) cannot run a task later.
    return notify_enquiry.get_backend().supports_defer


@task
def send_link_message(message_id: int, attempt: int = 1):
    """A text message or email with a link, to Notify; tried again while
    Notify cannot be reached, then shown to staff as not delivered."""
    try:
        messaging.send(message_id)
    except messaging.TryLater:
        if attempt <= len(RETRY_DELAYS) and _can_defer():
            delay = datetime.timedelta(seconds=RETRY_DELAYS[attempt - 1])
            send_link_message.using(run_after=timezone.now() + delay).enqueue(message_id, attempt + 1)
        else:
            messaging.give_up(message_id)
        return False
    return True


def queue_link_message(link, channel, to, user):
    """Record the message on the link's timeline and send it from the worker
    once this transaction commits."""
    message = messaging.new_message(link, channel, to, user)
    # If even queueing fails, the message stays "waiting to go" for send_link_messages.
    transaction.on_commit(lambda: send_link_message.enqueue(message.pk), robust=True)
    logger.info("link message queued message=%s link=%s channel=%s", message.pk, link.pk, channel)
    return message


def schedule_reminder(message_id, send_after):
    """A reminder from a patient's plan, for the worker to send at its time.
    Without a backend that can wait (the immediate one, in tests), nothing is
    queued: send_link_messages sends it once it is due."""
    if _can_defer():
        send_link_message.using(run_after=send_after).enqueue(message_id)
