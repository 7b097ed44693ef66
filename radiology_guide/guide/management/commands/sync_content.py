from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from radiology_guide.guide.content_files import ContentError
from radiology_guide.guide.content_folder import read_content
from radiology_guide.guide.sync import sync_content


class Command(BaseCommand):
    help = "Load the Markdown files in content/ into the database (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=None, help="content folder (default: CONTENT_DIR)")
        parser.add_argument("--force", action="store_true", help="overwrite edits made in admin since the last sync")
        parser.add_argument(
            "--check", action="store_true", help="check every file and list every problem; write nothing"
        )
        parser.add_argument("--rerender", action="store_true", help="render every page again even if nothing changed")

    def handle(self, *args, path=None, force=False, check=False, rerender=False, **options):
        root = path or settings.CONTENT_DIR
        if check:
            try:
                content = read_content(root)
            except ContentError as error:
                problems = len(getattr(error, "errors", [error]))
                raise CommandError(
                    f"{error}\nsync_content --check: {problems} problem(s); nothing was written."
                ) from None
            self.stdout.write(f"sync_content --check: {len(content.records)} objects in {root} are valid")
            return
        try:
            report = sync_content(root, force=force, rerender=rerender)
        except ContentError as error:
            raise CommandError(f"{error}\nNothing was imported.") from None
        for label in report.created:
            self.stdout.write(f"created {label}")
        for label in report.updated:
            self.stdout.write(f"updated {label}")
        for label in report.deleted:
            self.stdout.write(f"deleted {label}")
        for conflict in report.conflicts:
            self.stderr.write(self.style.WARNING(f"conflict: {conflict}"))
        if report.conflicts:
            self.stderr.write(
                "Conflicting objects were left as they are. Run export_content to keep the admin edits, "
                "or sync_content --force to replace them with the files."
            )
        self.stdout.write(f"sync_content: {report.summary()}")
