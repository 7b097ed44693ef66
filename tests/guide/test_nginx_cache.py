"""The nginx configuration in docs/operations.md, run for real in front of
the app: it keeps what the app marks public, revalidates it, serves it while
the app is down (stale-if-error), and never keeps a form or answers a
signed-in reader from its cache. Needs Debian's nginx (`apt-get install
nginx-light`, as .ci/run does): skipped without it, failed without it in CI."""

import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HOST = "guide.example.org"

pytestmark = [
    # The app runs in a thread of its own, with its own database connection.
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("content"),
]


@pytest.fixture(autouse=True)
def nginx_installed():
    if not os.path.exists(NGINX):
        reason = "nginx is not installed: apt-get install nginx-light"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def documented_config():
    text = (Path(settings.BASE_DIR) / "docs" / "operations.md").read_text()
    return re.search(r"```nginx\n(.*?)```", text, re.S).group(1)


def for_the_test(config, folder, app_port, port):
    """The documented block with a free port in place of TLS on 443, a
    folder of the test's own, and the app's port."""
    config = config.replace("/var/cache/nginx/radiology-guide", str(folder / "cache"))
    config = config.replace("127.0.0.1:8000", f"127.0.0.1:{app_port}")
    config = config.replace("listen 443 ssl;", f"listen 127.0.0.1:{port};")
    config = re.sub(r"\n\s*(http2 on|ssl_certificate\S*\s[^;]+);", "", config)
    assert "ssl" not in config and "443" not in config
    return config


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class App:
    """The Django application on a free port, in a thread: stopped, it is
    a server that is down."""

    def __init__(self):
        self.port = free_port()
        self.server = None

    def start(self):
        self.server = make_server("127.0.0.1", self.port, WSGIHandler(), handler_class=QuietHandler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def nginx(tmp_path, settings):
    # One second of max-age, so the test can see a copy go stale.
    settings.PAGE_CACHE_SECONDS = 1
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    app = App()
    app.start()
    port = free_port()
    (tmp_path / "radiology-guide.conf").write_text(for_the_test(documented_config(), tmp_path, app.port, port))
    temp_paths = "\n".join(
        f"{name}_temp_path {tmp_path / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"""
        {"user root;" if os.geteuid() == 0 else ""}
        daemon off;
        pid {tmp_path / "nginx.pid"};
        error_log {tmp_path / "error.log"} warn;
        events {{ worker_connections 64; }}
        http {{
            access_log off;
            {temp_paths}
            include {tmp_path / "radiology-guide.conf"};
        }}
        """
    )
    checked = subprocess.run([NGINX, "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)  # noqa: S603
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([NGINX, "-c", str(tmp_path / "nginx.conf")], stderr=subprocess.PIPE)  # noqa: S603
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    yield app, f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)
    app.stop()


def fetch(url, cookie=None):
    headers = {"Host": HOST}
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own nginx on 127.0.0.1
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_nginx_keeps_public_pages_and_serves_them_while_the_app_is_down(nginx):
    app, base = nginx
    status, headers, first = fetch(base + "/faqs/")
    assert (status, headers["X-Cache-Status"]) == (200, "MISS")
    assert "stale-if-error=86400" in headers["Cache-Control"]
    status, headers, again = fetch(base + "/faqs/")
    assert (status, headers["X-Cache-Status"], again) == (200, "HIT", first)

    time.sleep(2.5)  # past max-age: served at once, fetched again behind it
    status, headers, _ = fetch(base + "/faqs/")
    assert status == 200 and headers["X-Cache-Status"] in ("STALE", "UPDATING", "REVALIDATED")

    app.stop()
    time.sleep(2.5)
    status, headers, while_down = fetch(base + "/faqs/")
    assert (status, headers["X-Cache-Status"], while_down) == (200, "STALE", first)
    # A page nginx never held cannot be served while the app is down.
    assert fetch(base + "/glossary/")[0] == 502


def test_nginx_never_keeps_a_form_nor_answers_a_signed_in_reader_from_its_cache(nginx):
    _, base = nginx
    for _ in range(2):
        status, headers, body = fetch(base + "/enquire/")
        assert status == 200 and headers["X-Cache-Status"] != "HIT" and b"csrfmiddlewaretoken" in body
        assert "no-store" in headers["Cache-Control"]
    fetch(base + "/compare/")
    assert fetch(base + "/compare/")[1]["X-Cache-Status"] == "HIT"
    for cookie in ("sessionid=abc", "theme=dark; sessionid=abc", "__Host-sessionid=abc"):
        assert fetch(base + "/compare/", cookie=cookie)[1]["X-Cache-Status"] == "BYPASS"
    assert fetch(base + "/compare/", cookie="csrftoken=abc")[1]["X-Cache-Status"] == "HIT"
