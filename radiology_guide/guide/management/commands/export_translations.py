"""Write what needs translating into a language as PO files for a translator
(guide/translation_exchange.py; docs/translations.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from radiology_guide.guide import translation_exchange


class Command(BaseCommand):
    help = "Write a PO file for each page not yet translated into LANGUAGE, or translated from older English."

    def add_arguments(self, parser):
        parser.add_argument("--language", required=True, choices=translation_exchange.LANGUAGE_CODES)
        parser.add_argument("--output", required=True, type=Path, help="A folder: files go in OUTPUT/LANGUAGE/.")

    def handle(self, *args, language, output, **options):
        try:
            written = translation_exchange.export(language, output)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from None
        for path in written:
            self.stdout.write(str(path))
        self.stdout.write(f"export_translations: {len(written)} page(s) to translate into {language} in {output}")
