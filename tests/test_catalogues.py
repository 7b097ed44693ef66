"""The interface's translations (locale/, issue 23): every string a patient
reads is translated in each language, and what runs (the committed .mo
files) is what the .po files say."""

import re
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


# A number in groups, "07700 900 982": in a right-to-left sentence the bidi
# algorithm lays its groups out right to left ("982 900 07700") unless it is
# isolated as left-to-right text (U+2066 ... U+2069), which is invisible.
PHONE_NUMBER = re.compile(r"\+?\d+(?: \d+)+")
ISOLATED = re.compile(r"\u2066[^\u2069]*\u2069")


def test_in_urdu_every_phone_number_reads_left_to_right():
    backwards = [entry.msgstr for entry in catalogue("ur") if PHONE_NUMBER.search(ISOLATED.sub("", entry.msgstr))]
    assert backwards == []
    assert any(ISOLATED.search(entry.msgstr) for entry in catalogue("ur"))
