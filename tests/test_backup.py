"""A backup taken while the site runs can be restored, with every enquiry in it."""

import os
import shutil
import subprocess
import sys
import threading

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from radiology_guide.enquiries.models import Enquiry

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("content")]


def count_enquiries_in(database_url):
    """Count enquiries in a restored database, from a Django process of its own."""
    result = subprocess.run(  # noqa: S603 - a fixed command
        [
            sys.executable,
            "manage.py",
            "shell",
            "--verbosity=0",
            "-c",
            "from radiology_guide.enquiries.models import Enquiry; print(Enquiry.objects.count())",
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout.strip())


def test_a_backup_taken_while_enquiries_arrive_restores_with_every_enquiry(make_enquiry, tmp_path):
    for number in range(20):
        make_enquiry(name=f"Patient {number}", email=f"p{number}@example.com", submission_token=f"token-{number}")
    stop = threading.Event()

    def keep_writing():  # the site goes on taking enquiries during the backup
        number = 100
        while not stop.is_set():
            make_enquiry(name=f"Patient {number}", email=f"p{number}@example.com", submission_token=f"token-{number}")
            number += 1
        connection.close()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        backup = tmp_path / ("backup.sqlite3" if connection.vendor == "sqlite" else "backup.dump")
        call_command("backup_database", output=backup, stdout=open(os.devnull, "w"))  # noqa: SIM115
    finally:
        stop.set()
        writer.join()
    assert backup.exists()
    total = Enquiry.objects.count()

    if connection.vendor == "sqlite":
        restored = tmp_path / "restored.sqlite3"
        shutil.copy(backup, restored)  # restoring is copying the file back (docs/operations.md)
        found = count_enquiries_in(f"sqlite:///{restored}")
    else:
        database = connection.settings_dict
        name = f"{database['NAME']}_restored"
        pg = {**os.environ, "PGPASSWORD": database.get("PASSWORD") or ""}
        where = [
            "--host",
            database["HOST"] or "127.0.0.1",
            "--port",
            str(database["PORT"] or 5432),
            "--username",
            database["USER"],
        ]
        subprocess.run(["dropdb", "--if-exists", *where, name], env=pg, check=True)  # noqa: S603, S607
        subprocess.run(["createdb", *where, name], env=pg, check=True)  # noqa: S603, S607
        subprocess.run(["pg_restore", "--no-owner", *where, "--dbname", name, str(backup)], env=pg, check=True)  # noqa: S603, S607
        password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
        found = count_enquiries_in(f"postgres://{database['USER']}{password}@{where[1]}:{where[3]}/{name}")
        subprocess.run(["dropdb", *where, name], env=pg, check=True)  # noqa: S603, S607
    # Everything stored before the backup began, and nothing half-written.
    assert 20 <= found <= total
