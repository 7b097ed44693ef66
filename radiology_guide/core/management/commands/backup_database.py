"""A consistent copy of the database, safe to take while the site runs.

SQLite: SQLite's online backup API copies the database page by page under
its own locks, so writes that happen meanwhile are either in the copy or
not, never half in. PostgreSQL: pg_dump's custom format, from one snapshot.
See docs/operations.md for restoring.
"""

import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


class Command(BaseCommand):
    help = "Write a consistent copy of the database to BACKUP_DIR (or --output), while the site runs."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="the file to write (default: BACKUP_DIR/<timestamp>)")

    def handle(self, *args, output=None, **options):
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        if connection.vendor == "sqlite":
            output = output or settings.BACKUP_DIR / f"radiology-guide-{stamp}.sqlite3"
            output.parent.mkdir(parents=True, exist_ok=True)
            backup_sqlite(connection.settings_dict["NAME"], output)
        elif connection.vendor == "postgresql":
            output = output or settings.BACKUP_DIR / f"radiology-guide-{stamp}.dump"
            output.parent.mkdir(parents=True, exist_ok=True)
            backup_postgres(connection.settings_dict, output)
        else:
            raise CommandError(f"No backup method for {connection.vendor}.")
        self.stdout.write(f"backup_database: wrote {output}")


def backup_sqlite(source, output):
    temporary = output.with_name(output.name + ".part")
    with sqlite3.connect(source) as live, sqlite3.connect(temporary) as copy:
        live.backup(copy)
    copy.close()
    temporary.replace(output)  # a half-written copy never has the final name


def backup_postgres(database, output):
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise CommandError("pg_dump is not installed (Debian: apt-get install postgresql-client).")
    command = [pg_dump, "--format=custom", "--no-owner", f"--file={output}", "--dbname", database["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            command += [option, str(database[key])]
    env = {"PGPASSWORD": database.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
