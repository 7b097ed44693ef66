"""Write the static mirror of the public guide to a folder (guide/mirror.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from radiology_guide.guide import mirror


class Command(BaseCommand):
    help = (
        "Write every public page (the sitemap and the printable summaries) to --output DIR as "
        "DIR/<path>/index.html, with the static files and images, for any static host to serve at the "
        "root of a host name. The enquiry form and search point to SITE_URL. Replaces an earlier export in DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help="The folder to write the mirror to.")

    def handle(self, *args, output, **options):
        try:
            result = mirror.export_site(output)
        except mirror.ExportError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"export_site: {len(result.pages)} page(s), {len(result.live_only)} pointing to {settings.SITE_URL} "
            f"({', '.join(result.live_only) or 'none'}), {result.static_files} static file(s), "
            f"{result.images} image file(s) in {result.output}"
        )
