"""The interface's translations (locale/, issue 23): every string a patient
reads is translated in each language, and what runs (the committed .mo
files) is what the .po files say."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# Served in English only (not under the language prefixes): docs/translations.md.
STAFF_ONLY = ("radiology_guide/staff", "templates/staff", "templates/admin", "templates/registration")


def catalogue(language):
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_a_patient_reads_is_translated(language):
    untranslated = [
        entry.msgid
        for entry in catalogue(language)
        if not all(place.startswith(STAFF_ONLY) for place, _line in entry.occurrences)
        and (not entry.translated() or "fuzzy" in entry.flags)
    ]
    assert untranslated == [], f"{len(untranslated)} untranslated in {language}, e.g. {untranslated[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_the_po_file(language):
    po = catalogue(language)
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))

    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr_plural or entry.msgstr for entry in mo if entry.msgid}
    written = {
        (entry.msgctxt, entry.msgid): entry.msgstr_plural or entry.msgstr
        for entry in po
        if entry.translated() and "fuzzy" not in entry.flags
    }
    assert compiled == written, "run `make messages` (or msgfmt) and commit the .mo"
