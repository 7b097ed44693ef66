"""Write every page's review sheet to a folder, for a review meeting."""

import subprocess
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.html import escape

from radiology_guide.guide import review_sheet
from radiology_guide.guide.models import Page

CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium, headless, with nothing that reaches the network (as in tests/browser/conftest.py).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-pdf-header-footer",
]  # fmt: skip


def print_to_pdf(html_path: Path, pdf_path: Path, chromium: Path = CHROMIUM):
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(  # noqa: S603 - a fixed program and our own files
            [str(chromium), *CHROMIUM_ARGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf_path}",
             html_path.resolve().as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    if not pdf_path.exists() or pdf_path.stat().st_size == 0:
        raise CommandError(f"Chromium wrote no PDF for {html_path.name}")


class Command(BaseCommand):
    help = (
        "Write the review sheet of every page (or of --page SLUG) to --output DIR: HTML, or PDF with "
        "Debian's Chromium (--format pdf). Also writes index.html listing each sheet and its version."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help="The folder to write the sheets to.")
        parser.add_argument("--format", choices=["html", "pdf"], default="html")
        parser.add_argument("--page", action="append", default=[], help="Only this page's slug (repeatable).")

    def handle(self, *args, output, format, page, **options):
        if format == "pdf" and not CHROMIUM.exists():
            raise CommandError(f"--format pdf needs Chromium at {CHROMIUM} (apt-get install chromium)")
        pages = Page.objects.order_by("kind", "order", "title")
        if page:
            pages = pages.filter(slug__in=page)
        output.mkdir(parents=True, exist_ok=True)
        rows = []
        with tempfile.TemporaryDirectory() as work:
            for each in pages:
                html_path = (Path(work) if format == "pdf" else output) / f"{each.slug}.html"
                html_path.write_text(review_sheet.render_sheet(each), encoding="utf-8")
                name = html_path.name
                if format == "pdf":
                    name = f"{each.slug}.pdf"
                    print_to_pdf(html_path, output / name)
                rows.append((each, name, each.review_sheet_version()))
                self.stdout.write(f"{output / name}  version {rows[-1][2]}")
        (output / "index.html").write_text(_index(rows), encoding="utf-8")
        self.stdout.write(f"review_sheets: {len(rows)} sheet(s) in {output}")


def _index(rows):
    items = "\n".join(
        f'<tr><td><a href="{escape(name)}">{escape(page.title)}</a></td><td>{escape(page.get_review_status_display())}'
        f"</td><td><code>{version}</code></td></tr>"
        for page, name, version in rows
    )
    return (
        '<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Review sheets</title></head><body>'
        "<h1>Review sheets</h1><table><thead><tr><th>Page</th><th>Status</th><th>Sheet version</th></tr></thead>"
        f"<tbody>\n{items}\n</tbody></table></body></html>\n"
    )
