"""Background work for content, run by the Tasks worker (`manage.py db_worker`).

The drafts are the record of what is scheduled (``Draft.publish_at``), so
nothing depends on a task surviving: ``publish_due_drafts`` publishes every
draft whose time has come, whichever task runs it. After every publish, the
worker warms the page cache and purges the CDN (guide/cdn.py).
"""

import logging
from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from radiology_guide.core import cdn, warming
from radiology_guide.guide import publishing

logger = logging.getLogger("radiology_guide.cdn")


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
    return publishing.send_review_reminders()


@task
def send_approval_request(model: str, object_id: int, asked_by_id: int | None = None):
    """Email the clinicians a signed preview link, asking for their approval."""
    from radiology_guide.guide import clinical_review

    return clinical_review.send_approval_request(model, object_id, asked_by_id)


# Seconds before a failed CDN purge is tried again; then it gives up with a
# log line: the CDN's copies still expire within PAGE_CACHE_SECONDS.
PURGE_RETRY_DELAYS = (30, 120, 600)


def enqueue_after_publish(paths=None):
    """Warm every public page, then purge ``paths`` (None: everything) from
    the CDN. Two tasks, in this order, so a purge that is retried never
    holds up the warming."""
    warm_public_pages.enqueue()
    if cdn.is_configured():
        purge_cdn.enqueue(None if paths is None else list(paths))


@task
def warm_public_pages():
    """Build every public page into the shared cache (core/warming.py)."""
    from radiology_guide.guide.cdn import public_paths

    return warming.warm(public_paths())


@task
def purge_cdn(paths: list[str] | None, attempt: int = 1):
    """Ask the CDN to drop ``paths`` (None: everything), trying again later
    if it fails. Returns whether it was accepted."""
    urls = None if paths is None else cdn.full_urls(paths)
    try:
        cdn.purge(urls)
    except cdn.PurgeFailed as failure:
        what = "everything" if urls is None else f"urls={len(urls)}"
        if attempt > len(PURGE_RETRY_DELAYS):
            logger.error("cdn purge gave up attempts=%s %s %s", attempt, what, failure)
            return False
        logger.warning("cdn purge failed attempt=%s %s %s", attempt, what, failure)
        retry = purge_cdn
        if retry.get_backend().supports_defer:
            retry = retry.using(run_after=timezone.now() + timedelta(seconds=PURGE_RETRY_DELAYS[attempt - 1]))
        # Django's immediate backend (tests) cannot wait: it tries again at once.
        retry.enqueue(paths, attempt + 1)
        return False
    return True
