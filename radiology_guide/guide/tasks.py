"""Background work for content, run by the Tasks worker (`manage.py db_worker`).

The drafts are the record of what is scheduled (``Draft.publish_at``), so
nothing depends on a task surviving: ``publish_due_drafts`` publishes every
draft whose time has come, whichever task runs it. The tasks that follow
every publish (warming the page cache, purging the CDN) are in guide/cdn.py.
"""

from django.db import transaction
from django.tasks import task

from radiology_guide.guide import clinical_review, content_types, publishing, waiting


@task
def publish_due_drafts():
    return publishing.publish_due()


def enqueue_publish_due(when):
    backend = publish_due_drafts.get_backend()
    if backend.supports_defer:
        publish_due_drafts.using(run_after=when).enqueue()
    # Django's immediate backend (tests) cannot run a task later: the tests
    # call publish_due_drafts themselves once the time has come.


@task
def send_review_reminders():
    """Email the content editors what is waiting (drafts, reviews due in 30
    days, overdue reviews). Returns how many people were sent it."""
    return waiting.send_review_reminders()


@task
def send_approval_request(model: str, object_id: int, asked_by_id: int | None = None):
    """Email the clinicians a signed preview link, asking for their approval."""
    return clinical_review.send_approval_request(model, object_id, asked_by_id)


def ask_for_approval(obj, user) -> int:
    """Queue an email to every clinician but ``user`` asking them to approve
    ``obj``; returns how many it goes to (none: nothing is queued)."""
    count = len(clinical_review.clinicians(exclude=user))
    if count:
        name, pk = content_types.of(obj).name, obj.pk
        transaction.on_commit(lambda: send_approval_request.enqueue(name, pk, user.pk))
    return count
