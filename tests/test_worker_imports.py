"""A web worker stays small (issue 25: under 80 MB resident): reading the
guide in any language loads none of the libraries only other processes need.
psycopg (11 MB) serves PostgreSQL alone, python-markdown and nh3 render
content when it is published (the Tasks worker, sync_content), and icalendar
builds a preparation plan's calendar file."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = [pytest.mark.standalone, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("content")]

READER = """
import json, sys
import django
django.setup()
from django.conf import settings
plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # no collectstatic here
settings.STORAGES = {**settings.STORAGES, "staticfiles": plain}
from django.test import Client
from radiology_guide.wsgi import application  # noqa: F401 - as granian loads it
client = Client()
for path in sys.argv[1:]:
    status = client.get(path).status_code
    assert status == 200, (path, status)
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""

PATHS = [
    "/",
    "/pl/",
    "/ur/guide/diagnostic-radiology/",
    "/procedures/ct-scan/",
    "/procedures/ct-scan/summary/",
    "/ro/procedures/mri-scan/",
    "/faqs/",
    "/pl/glossary/",
    "/compare/",
    "/search/?q=biopsy",
    "/enquire/",
    "/sitemap.xml",
]


def test_a_worker_serving_every_kind_of_page_loads_no_database_driver_markdown_or_calendar_library(tmp_path):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.fail("make test runs this on SQLite; make test-services leaves it out (standalone)")
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "radiology_guide.settings",
        # This test's own database, where the guide has just been loaded.
        "DATABASE_URL": f"sqlite:///{settings.DATABASES['default']['NAME']}",
        "CACHE_URL": "locmem://",
        "ALLOWED_HOSTS": "testserver",
        "SECRET_KEY": "a-test-secret-key-that-is-long-enough-for-the-production-check-0123456789",
        "HTTPS": "off",
        "EMAIL_URL": f"file://{tmp_path / 'mail'}",
        "VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(  # noqa: S603 - a fixed command
        [sys.executable, "-c", READER, *PATHS],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert {"django", "radiology_guide"} <= loaded
    assert loaded & {"psycopg", "psycopg_binary", "markdown", "nh3", "icalendar"} == set()
