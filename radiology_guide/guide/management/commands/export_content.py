from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from radiology_guide.guide.sync import export_content


class Command(BaseCommand):
    help = "Write the content in the database back to the Markdown files, for review and commit."

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=None, help="content folder (default: CONTENT_DIR)")

    def handle(self, *args, path=None, **options):
        changed = export_content(path or settings.CONTENT_DIR)
        for file in changed:
            self.stdout.write(f"wrote {file}")
        self.stdout.write(f"export_content: {len(changed)} file(s) changed")
