"""Translations to and from professional translators, as gettext PO files
(polib; every translation tool reads them). Issue 23.

``export_translations`` writes one file per page that needs translating into
a language (not translated yet, or translated from older English): each
entry is one sentence or Markdown block of the English, with where it goes
(``msgctxt``), what it is (a comment) and, for an out-of-date translation,
the old translation marked fuzzy. The file's header names the page, the
language and the English version it was made from.

``import_translations`` reads them back as drafts, all or nothing: a file
that is broken (not PO, an entry missing or untranslated) or mismatched
(another page, another language, English that has changed since) is
refused with its file and line, and nothing is imported. What is imported
is checked exactly as a translation from the content files or admin is
(guide/translations.py ``problems``) and sanitised when it is rendered.
"""

from dataclasses import dataclass
from pathlib import Path

import polib
from django.db import transaction

from radiology_guide.guide import drafts, translations
from radiology_guide.guide.markdown import image_problems
from radiology_guide.guide.models import TRANSLATED_LANGUAGES, Draft, Page, Translation

PAGE_HEADER = "X-Radiology-Guide-Page"
SOURCE_HEADER = "X-Radiology-Guide-Source-Revision"
LANGUAGE_CODES = [code for code, _name in TRANSLATED_LANGUAGES]
DESCRIPTIONS = {
    "title": "The page's title.",
    "summary": "One plain sentence under the title.",
    "caption": "The comparison table's caption.",
    "duration": "How long it takes (the 'At a glance' box).",
    "sedation": "Whether medicine to relax you is used.",
    "usual_stay": "How long you usually stay.",
    "dose": "The radiation dose, in one sentence. Keep every number, with the digits 0-9.",
    "preparation": "How to prepare. Keep every number.",
    "preparation_timing": "A step of the preparation plan. Keep every number.",
    "warning_signs": "A warning sign. Keep it exactly as strong as the English, and every number.",
    "risks": "A risk. Keep every number, with the digits 0-9.",
    "body": "A block of the page's Markdown: keep its markup (##, -, **, links) as it is.",
}


class ExchangeError(Exception):
    def __init__(self, path, line, message):
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}")


def _blocks(markdown: str) -> list[str]:
    return [block.strip() for block in (markdown or "").split("\n\n") if block.strip()]


def segments(text: dict) -> list[tuple[str, str]]:
    """(context, text) for each sentence or Markdown block of a page's
    translated fields, in the page's order; ``assemble`` is the inverse."""
    found = []
    for name in translations.FIELDS["page"]:
        value = text.get(name)
        if value in (None, "", [], {}):
            continue
        if name == "body":
            found += [(f"body[{number}]", block) for number, block in enumerate(_blocks(value))]
        elif name in ("preparation", "warning_signs"):
            for key, item in value.items():
                if isinstance(item, list):
                    found += [(f"{name}.{key}[{number}]", line) for number, line in enumerate(item)]
                else:
                    found.append((f"{name}.{key}", item))
        elif name in ("risks", "preparation_timing"):
            for number, item in enumerate(value):
                found += [(f"{name}[{number}].{key}", item[key]) for key in ("what", "how_often") if item.get(key)]
        else:
            found.append((name, value))
    return found


def assemble(english: dict, translated: dict[str, str]) -> dict:
    """The translation's ``text`` from translated segments (context -> text),
    shaped as the English (``english``: its ``english_text``)."""
    text = {}
    for name, value in english.items():
        if name == "body":
            text["body"] = "\n\n".join(translated[f"body[{n}]"] for n in range(len(_blocks(value))))
        elif name in ("preparation", "warning_signs"):
            text[name] = {
                key: [translated[f"{name}.{key}[{n}]"] for n in range(len(item))]
                if isinstance(item, list)
                else translated[f"{name}.{key}"]
                for key, item in value.items()
            }
        elif name in ("risks", "preparation_timing"):
            text[name] = [
                {
                    **({"when": item["when"]} if "when" in item else {}),
                    **{key: translated[f"{name}[{n}].{key}"] for key in ("what", "how_often") if item.get(key)},
                }
                for n, item in enumerate(value)
            ]
        else:
            text[name] = translated[name]
    return text


# ---------------------------------------------------------------------------
# Export


def needing_translation(language: str):
    """(page, its translation or None) for each page not yet translated into
    ``language``, or translated from other English than it has now."""
    found = {trans.of_key: trans for trans in Translation.objects.filter(of_model="page", language=language)}
    for page in Page.objects.exclude(kind=Page.Kind.EASY_READ).order_by("kind", "order", "slug"):
        trans = found.get(page.slug)
        if trans is None or trans.source_revision != translations.fingerprint(page):
            yield page, trans


def po_for(page: Page, language: str, trans: Translation | None) -> polib.POFile:
    english = translations.english_text(page)
    old = dict(segments(trans.text)) if trans else {}
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": "Radiology Guide",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        PAGE_HEADER: page.slug,
        SOURCE_HEADER: translations.fingerprint(page),
    }
    for context, text in segments(english):
        entry = polib.POEntry(msgctxt=context, msgid=text, msgstr=old.get(context, ""))
        entry.comment = DESCRIPTIONS[context.split("[")[0].split(".")[0]]
        entry.occurrences = [(page.get_absolute_url(), "")]
        if trans is not None and entry.msgstr:
            entry.flags.append("fuzzy")  # translated from older English: check it against the new
        po.append(entry)
    return po


def export(language: str, output: Path) -> list[Path]:
    if language not in LANGUAGE_CODES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGE_CODES)}")
    folder = output / language
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for page, trans in needing_translation(language):
        path = folder / f"{page.slug}.po"
        po_for(page, language, trans).save(str(path))
        written.append(path)
    return written


# ---------------------------------------------------------------------------
# Import


@dataclass
class Imported:
    path: Path
    translation: Translation
    new: bool


def _read(path: Path) -> polib.POFile:
    try:
        return polib.pofile(str(path), wrapwidth=0)
    except (OSError, ValueError, UnicodeDecodeError) as error:
        line = getattr(error, "lineno", None) or _line_of(str(error))
        raise ExchangeError(path, line, f"not a PO file that can be read: {error}") from None


def _line_of(message: str) -> int:
    digits = [word for word in message.replace(")", " ").split() if word.isdigit()]
    return int(digits[-1]) if digits else 1


def check(path: Path, translated_by: str = "") -> Translation:
    """The translation in ``path``, checked against the English as it is now
    (an unsaved Translation carrying its text); raises ExchangeError."""
    po = _read(path)
    language, slug = po.metadata.get("Language", ""), po.metadata.get(PAGE_HEADER, "")
    if language not in LANGUAGE_CODES:
        raise ExchangeError(path, 1, f"the header's Language must be one of {', '.join(LANGUAGE_CODES)}")
    page = Page.objects.filter(slug=slug).exclude(kind=Page.Kind.EASY_READ).first()
    if page is None:
        raise ExchangeError(path, 1, f"no page '{slug}' to translate ({PAGE_HEADER} in the header)")
    current = translations.fingerprint(page)
    if po.metadata.get(SOURCE_HEADER) != current:
        raise ExchangeError(
            path,
            1,
            f"made from English version {po.metadata.get(SOURCE_HEADER) or '(none)'}, but the English page is now "
            f"version {current}: export it again and translate what changed",
        )
    english = translations.english_text(page)
    expected = dict(segments(english))
    entries = {entry.msgctxt: entry for entry in po}
    for entry in po:
        if entry.msgctxt not in expected:
            raise ExchangeError(path, entry.linenum, f"'{entry.msgctxt}' is not part of page '{slug}'")
        if entry.msgid != expected[entry.msgctxt]:
            raise ExchangeError(path, entry.linenum, f"the English of '{entry.msgctxt}' is not the page's")
        if not entry.msgstr.strip() or "fuzzy" in entry.flags:
            raise ExchangeError(path, entry.linenum, f"'{entry.msgctxt}' is not translated (or still marked fuzzy)")
    missing = [context for context in expected if context not in entries]
    if missing:
        raise ExchangeError(path, 1, f"'{missing[0]}' is missing: every sentence of the page needs its translation")
    text = assemble(english, {context: entry.msgstr.strip() for context, entry in entries.items()})
    for message in translations.problems(page, text):
        context = next(
            (c for c in expected if c.split("[")[0].split(".")[0] == message.split(":")[0].split(".")[0]), ""
        )
        raise ExchangeError(path, entries[context].linenum if context in entries else 1, message)
    for line, message in image_problems(text.get("body", "")):
        raise ExchangeError(path, 1, f"body line {line}: {message}")
    trans = Translation.objects.filter(of_model="page", of_key=slug, language=language).first()
    trans = drafts.with_draft(trans, render=False) if trans else Translation(language=language, of_key=slug)
    trans.text = text
    trans.source_revision = current
    trans.translated_by = translated_by or po.metadata.get("Last-Translator", "") or trans.translated_by
    if not trans.translated_by:
        raise ExchangeError(path, 1, "say who translated it: the Last-Translator header, or --translated-by")
    return trans


def _draft_of_new(trans):
    for draft in Draft.objects.filter(model="translation", object_id=None):
        if (draft.fields.get("language"), draft.fields.get("of_key")) == (trans.language, trans.of_key):
            return draft
    return None


@transaction.atomic
def import_files(paths, user=None, translated_by="") -> list[Imported]:
    """Every file checked first, then each saved as a draft (a translation
    reaches patients only when someone publishes it in admin)."""
    checked = [(Path(path), check(Path(path), translated_by)) for path in paths]
    imported = []
    for path, trans in checked:
        new = trans.pk is None
        note = f"Imported from {path.name}"
        waiting = _draft_of_new(trans) if new else None
        if waiting is not None:  # imported before, not yet published: that draft, updated
            waiting.fields, waiting.note, waiting.saved_by = drafts.as_json(trans.file_fields()), note, user
            waiting.save()
        else:
            drafts.save_draft(trans, user, note)
        imported.append(Imported(path, trans, new))
    return imported
