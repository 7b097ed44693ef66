"""Read translators' PO files back as drafts, all or nothing
(guide/translation_exchange.py; docs/translations.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from radiology_guide.guide import translation_exchange


class Command(BaseCommand):
    help = "Import translated PO files as drafts; a broken or mismatched file is refused and nothing is imported."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--translated-by", default="", help="Who translated them (else each file's Last-Translator header)."
        )

    def handle(self, *args, files, translated_by, **options):
        try:
            imported = translation_exchange.import_files(files, translated_by=translated_by)
        except translation_exchange.ExchangeError as error:
            raise CommandError(f"{error}\nNothing was imported.") from None
        for item in imported:
            what = "new translation" if item.new else "update"
            self.stdout.write(
                f"{item.path}: draft of a {what} of '{item.translation.of_key}' ({item.translation.language})"
            )
        self.stdout.write(
            f"import_translations: {len(imported)} draft(s) saved; publish them in admin (Drafts waiting) "
            "once a translator and a clinician have checked them"
        )
