"""The production server, `python -m radiology_guide.serve` (granian), started
for real on a free port with production settings and nothing else set (no
CACHE_URL, no EMAIL_URL): it serves pages and hashed static files, an edit
shows at once on every worker, its Tasks worker sends enquiry emails, and a
worker that dies is replaced without the site going down."""

import contextlib
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings

HOST = "127.0.0.1"
# Nothing of the test run's own environment that would change the defaults under test.
UNSET = ("GRANIAN_", "WEB_CONCURRENCY", "CACHE_URL", "EMAIL_URL", "DATABASE_URL", "VAR_DIR")
# So it is the same server on SQLite and on PostgreSQL runs: run once.
pytestmark = pytest.mark.standalone


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own server on 127.0.0.1
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def wait_for(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("server")
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith(UNSET)},
        "DJANGO_SETTINGS_MODULE": "radiology_guide.settings",
        "DEBUG": "off",
        "SECRET_KEY": "a-test-secret-key-that-is-long-enough-for-the-production-check-0123456789",
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": f"sqlite:///{folder / 'site.sqlite3'}",
        # The defaults put the shared cache and outgoing mail under VAR_DIR.
        "VAR_DIR": str(folder / "var"),
        "ENQUIRY_MIN_FILL_SECONDS": "0",
        "STATIC_ROOT": str(folder / "static"),
        "GRANIAN_PORT": str(free_port()),
        "GRANIAN_WORKERS": "2",
        # Replace a dead worker at once (the default waits 3.5 s).
        "GRANIAN_RESPAWN_INTERVAL": "0.2",
        "PYTHONUNBUFFERED": "1",  # the log in the order things happened
    }

    def manage(*args):
        subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, check=True, timeout=300)  # noqa: S603

    manage("migrate", "--noinput", "--verbosity", "0")
    manage("sync_content", "--verbosity", "0")
    manage("collectstatic", "--noinput", "--verbosity", "0", "--ignore", "admin")
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - a fixed command
        [sys.executable, "-m", "radiology_guide.serve"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://{HOST}:{env['GRANIAN_PORT']}"
    try:
        assert wait_for(lambda: fetch(base + "/healthz")[0] == 200), (folder / "server.log").read_text()
        yield {"url": base, "process": process, "log": folder / "server.log", "manage": manage, "var": folder / "var"}
    finally:
        # As systemd stops a service: SIGTERM to every process of the group.
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # anything left behind
            log.close()


def test_the_production_server_serves_pages_with_their_headers(server):
    status, headers, body = fetch(server["url"] + "/guide/diagnostic-radiology/")
    assert status == 200 and "Diagnostic radiology" in body.decode()
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "public" in headers["Cache-Control"]
    again = [fetch(server["url"] + "/guide/diagnostic-radiology/") for _ in range(6)]
    assert any(headers["X-Cache"] == "hit" and page == body for _, headers, page in again)


def test_an_edit_shows_on_the_next_request_to_every_worker(server):
    url = server["url"] + "/guide/working-together/"
    for _ in range(6):  # every worker has the page cached
        assert "How radiologists work together" not in fetch(url)[2].decode()
    server["manage"](
        "shell",
        "-c",
        "from radiology_guide.guide import publishing; from radiology_guide.guide.models import Page; "
        "page = Page.objects.get(slug='working-together'); "
        "page.title = 'How radiologists work together'; publishing.publish(page, None)",
    )
    pages = [fetch(url)[2].decode() for _ in range(6)]
    assert all("How radiologists work together" in page for page in pages)


def test_the_servers_tasks_worker_sends_the_enquiry_email(server):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(server["url"] + "/enquire/", timeout=10).read().decode()
    fields = dict(re.findall(r'name="(csrfmiddlewaretoken|form_token)" value="([^"]+)"', form))
    data = {
        **fields,
        "name": "Ada Test",
        "email": "ada@example.com",
        "preferred_contact": "email",
        "topic": "ct-scan",
        "message": "A question",
        "consent": "on",
    }
    request = urllib.request.Request(  # noqa: S310 - our own server on 127.0.0.1
        server["url"] + "/enquire/", data=urllib.parse.urlencode(data).encode(), headers={"Referer": server["url"]}
    )
    assert "Enquiry sent" in opener.open(request, timeout=10).read().decode()

    def mailed():
        return any("New enquiry RG-" in path.read_text() for path in (server["var"] / "mail").glob("*.log"))

    assert wait_for(mailed), server["log"].read_text()


def test_the_production_server_serves_hashed_static_files_for_a_year(server):
    page = fetch(server["url"] + "/")[2].decode()
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page).group(1)
    status, headers, body = fetch(server["url"] + stylesheet)
    assert status == 200 and b"{" in body
    assert "immutable" in headers["Cache-Control"] and "max-age=315360000" in headers["Cache-Control"]


def test_a_worker_that_dies_is_replaced_and_the_site_keeps_answering(server):
    def worker_pids():
        """worker number -> process id, as granian's log says (the latest one for each)."""
        return dict(re.findall(r"Spawning worker-(\d+) with PID: (\d+)", server["log"].read_text()))

    before = worker_pids()
    started = server["log"].read_text().count("Started worker-")
    assert len(before) == 2
    os.kill(int(before["1"]), signal.SIGKILL)
    # Until it is back, connections the kernel hands to its socket are reset
    # (unless the sysctl net.ipv4.tcp_migrate_req is on: README "Deploying").

    def replaced():
        return worker_pids()["1"] != before["1"] and server["log"].read_text().count("Started worker-") > started

    assert wait_for(replaced), server["log"].read_text()
    for _ in range(10):
        assert fetch(server["url"] + "/glossary/")[0] == 200
    assert server["process"].poll() is None
