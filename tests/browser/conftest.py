"""Fixtures for the browser tests: Debian's Chromium driven by Playwright.

One browser for all of them (starting Chromium is the slow part) and a
fresh context, so fresh cookies and storage, for every test. Pages are served
by pytest-django's `live_server` from the test database; its tests are
transactional, so the `content` fixture loads the guide into it.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Flags that let Chromium run on a machine with no internet and no display,
# without phoning home. Playwright gives each launch a fresh profile.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="package")
def browser():
    """Chromium, shared by every test in this folder and closed after the last."""
    if not CHROMIUM.exists():
        reason = f"No Chromium at {CHROMIUM}: install Debian's chromium to run the browser tests"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # Playwright's sync API keeps an asyncio loop running in this thread,
        # so Django takes the tests' ORM calls for async code and refuses
        # them; they are synchronous. Only while the browser is open: the
        # variable must not reach other tests (`check --deploy` rejects it).
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, content):
    """The live server's address, with the guide's content loaded."""
    return live_server.url


@pytest.fixture
def new_context(browser):
    """Make browser contexts (fresh cookies each); all are closed after the test."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


MANIFEST_STORAGE = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}


@pytest.fixture(scope="package")
def production_server(tmp_path_factory, django_db_setup):
    """The site served as in production: static files collected with hashed
    names and compressed copies, served by WhiteNoise, with DEBUG off.

    pytest-django's live_server puts Django's own static handler in front of
    the site, which serves from the source folders without compression or
    cache headers, so it cannot show what a reader's browser downloads. This
    server is Django's LiveServerThread without that handler: every request,
    static or not, goes through the middleware, WhiteNoise included. It is a
    thread of this process, so it reads the test database like live_server.
    """
    from django.conf import settings
    from django.core.management import call_command
    from django.test.testcases import LiveServerThread
    from django.test.utils import override_settings

    static_root = tmp_path_factory.mktemp("static")
    storages = {**settings.STORAGES, "staticfiles": MANIFEST_STORAGE}
    with override_settings(DEBUG=False, STATIC_ROOT=static_root, STORAGES=storages):
        # Without the admin's files, which no public page uses: compressing
        # them takes most of collectstatic's time.
        call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=["admin"])
        # WhiteNoise reads STATIC_ROOT and the manifest once, when the
        # server's handler is built, which happens before is_ready.
        thread = LiveServerThread("127.0.0.1", static_handler=lambda handler: handler)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield {"url": f"http://127.0.0.1:{thread.port}", "static_root": static_root}
    thread.terminate()


@pytest.fixture
def production_site(production_server, transactional_db, content, settings):
    """The production-like server's address. Pages name the hashed static
    files, as they do in production."""
    settings.STATIC_ROOT = production_server["static_root"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": MANIFEST_STORAGE}
    return production_server["url"]
