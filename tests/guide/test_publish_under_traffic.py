"""A publish in the middle of a burst of patients' requests: no request
fails or waits, each is served the old page or the new one (the new one from
the moment the publish is committed), and once the worker has warmed the
cache every page is a hit again."""

import socket
import threading
import time
import urllib.request
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.core.handlers.wsgi import WSGIHandler

from radiology_guide.core.pagecache import CachedPages
from radiology_guide.guide import publishing
from radiology_guide.guide.models import Page

# The server's threads have their own database connections.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("content", "warming")]

PATHS = ["/guide/what-to-expect/", "/", "/faqs/", "/procedures/ct-scan/"]
NEW_SUMMARY = "What the day is like, published during a burst."


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def server(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # As wsgi.py serves it: cached pages answered before Django.
    httpd = make_server("127.0.0.1", port, CachedPages(WSGIHandler()), ThreadingServer, QuietHandler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    settings.SITE_URL = f"http://127.0.0.1:{port}"  # what the warming asks as
    yield settings.SITE_URL
    httpd.shutdown()
    httpd.server_close()


def test_a_publish_during_a_burst_fails_no_request_and_makes_none_wait(server):
    for path in PATHS:
        urllib.request.urlopen(server + path, timeout=10).read()  # noqa: S310 - our own server
    stop, published_at = threading.Event(), []
    seen = []  # (started, status, seconds, path, body has the new summary, X-Cache)

    def patient():
        while not stop.is_set():
            for path in PATHS:
                started = time.monotonic()
                with urllib.request.urlopen(server + path, timeout=10) as response:  # noqa: S310
                    body = response.read().decode()
                    seen.append(
                        (started, response.status, time.monotonic() - started, path, NEW_SUMMARY in body,
                         response.headers.get("X-Cache"))
                    )  # fmt: skip

    patients = [threading.Thread(target=patient) for _ in range(4)]
    for thread in patients:
        thread.start()
    time.sleep(0.5)
    page = Page.objects.get(slug="what-to-expect")
    page.summary = NEW_SUMMARY
    publishing.publish(page, None)  # committed, then warmed (the immediate backend runs the worker's task here)
    published_at.append(time.monotonic())
    time.sleep(0.5)
    stop.set()
    for thread in patients:
        thread.join()

    assert len(seen) > 40
    assert {status for _, status, *_ in seen} == {200}
    # Nobody waited: a page is built in milliseconds, and no request waits for another's.
    assert max(seconds for _, _, seconds, *_ in seen) < 2
    after = [entry for entry in seen if entry[0] > published_at[0]]
    assert after and all(entry[4] for entry in after if entry[3] in ("/guide/what-to-expect/", "/"))
    assert {entry[5] for entry in after} == {"hit"}  # warmed before any of them asked
