"""The same after-publish work through the production Tasks backend and its
worker (`manage.py db_worker`): the publish only queues it, the worker warms
every page and purges the CDN, and a failed purge waits before it is tried
again."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.tasks import task_backends
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from radiology_guide.guide import publishing
from radiology_guide.guide.cdn import PURGE_RETRY_DELAYS, public_paths
from radiology_guide.guide.models import Page

# The worker manages its own transactions and connections, as in production.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("content", "warming")]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def forget_task_backends():
    task_backends.__dict__.pop("settings", None)
    task_backends._settings = None
    try:
        del task_backends["default"]
    except AttributeError:
        pass


@pytest.fixture
def worker_setup(settings):
    """The production Tasks backend, a purge endpoint of ours (answering
    ``statuses`` in turn), and the test client's address as SITE_URL."""
    statuses, received = [], []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(statuses.pop(0) if statuses else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.TASKS = DATABASE_TASKS
    settings.SITE_URL = "http://testserver"
    settings.CDN_PURGE_URL = f"http://127.0.0.1:{server.server_address[1]}/purge"
    settings.CDN_PURGE_TOKEN = "a-token"
    forget_task_backends()
    yield statuses, received
    forget_task_backends()
    server.shutdown()
    server.server_close()


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def publish_a_change():
    page = Page.objects.get(slug="ct-scan")
    page.body += "\n\nOne more plain sentence about the scan."
    publishing.publish(page, None)


def test_the_publish_queues_the_work_and_the_worker_warms_every_page_then_purges(client, worker_setup):
    _, received = worker_setup
    publish_a_change()
    assert DBTaskResult.objects.count() == 2 and received == []  # nothing done in the editor's request
    assert client.get("/faqs/")["X-Cache"] == "miss"  # built by this request, as before

    run_worker()
    assert all(client.get(path)["X-Cache"] == "hit" for path in public_paths())
    assert received == [
        {
            "files": [
                f"http://testserver{path}"
                for path in (
                    "/procedures/ct-scan/",
                    "/procedures/ct-scan/large-print/",
                    "/procedures/ct-scan/summary/",
                    "/sitemap.xml",
                )
            ]
        }
    ]


def test_a_failed_purge_waits_before_it_is_tried_again(worker_setup):
    statuses, received = worker_setup
    statuses.append(502)
    publish_a_change()
    run_worker()
    assert len(received) == 1
    retry = DBTaskResult.objects.filter(status="READY").get()
    wait = retry.run_after - timezone.now()
    assert (
        datetime.timedelta(seconds=PURGE_RETRY_DELAYS[0] - 5)
        < wait
        <= datetime.timedelta(seconds=PURGE_RETRY_DELAYS[0])
    )

    run_worker()  # not due yet
    assert len(received) == 1
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()
    assert len(received) == 2 and received[1] == received[0]
    assert not DBTaskResult.objects.filter(status="READY").exists()
