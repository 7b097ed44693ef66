"""Emails leave the patient's request: they are queued in the database and
sent by the Tasks worker (`manage.py db_worker`), which retries with back-off
and picks up where it left off after a restart."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import task_backends
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from radiology_guide.enquiries.models import Enquiry
from radiology_guide.enquiries.tasks import RETRY_DELAYS
from tests.helpers import MAIL_SERVER_DOWN

# The worker manages its own transactions and connections, as in production.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("content")]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
WORKING_MAIL = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def forget_task_backends():
    task_backends.__dict__.pop("settings", None)
    task_backends._settings = None
    for alias in ("default",):
        try:
            del task_backends[alias]
        except AttributeError:
            pass


@pytest.fixture
def database_tasks(settings):
    """The production Tasks backend, as settings.py configures it."""
    settings.TASKS = DATABASE_TASKS
    forget_task_backends()
    yield
    forget_task_backends()


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def test_the_patients_request_only_queues_the_email(client, valid_post, database_tasks):
    response = client.post("/enquire/", valid_post(), follow=True)
    assert "Enquiry sent" in response.content.decode()
    assert mail.outbox == []  # nothing was sent inside the request
    assert DBTaskResult.objects.count() == 1

    run_worker()  # a worker started later (after a restart, say) finds it
    assert Enquiry.objects.get().notified_at is not None
    assert len(mail.outbox) == 2  # the clinic and the patient's acknowledgement


def test_a_failed_email_is_tried_again_later_until_it_goes(client, valid_post, settings, database_tasks):
    settings.MAILERS = MAIL_SERVER_DOWN
    client.post("/enquire/", valid_post())
    run_worker()
    enquiry = Enquiry.objects.get()
    assert enquiry.notified_at is None and enquiry.notify_attempts == 1
    retry = DBTaskResult.objects.filter(status="READY").get()
    wait = retry.run_after - timezone.now()
    assert datetime.timedelta(seconds=RETRY_DELAYS[0] - 5) < wait <= datetime.timedelta(seconds=RETRY_DELAYS[0])

    run_worker()  # not due yet: nothing happens
    assert Enquiry.objects.get().notify_attempts == 1

    settings.MAILERS = WORKING_MAIL
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # the minute has passed
    run_worker()
    assert Enquiry.objects.get().notified_at is not None
    assert [message.to for message in mail.outbox][0] == settings.ENQUIRY_NOTIFY_EMAILS


def test_retries_stop_after_the_last_delay_and_the_enquiry_stays_pending(client, valid_post, settings, database_tasks):
    settings.MAILERS = MAIL_SERVER_DOWN
    client.post("/enquire/", valid_post())
    for _ in range(len(RETRY_DELAYS) + 2):
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        run_worker()
    enquiry = Enquiry.objects.get()
    assert enquiry.notify_attempts == len(RETRY_DELAYS) + 1
    assert not DBTaskResult.objects.filter(status="READY").exists()
    # The row is still the record: the scheduled command sends it once mail works.
    assert Enquiry.objects.pending_notification().filter(pk=enquiry.pk).exists()
