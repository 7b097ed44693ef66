"""Translations in content/: each beside its English, under the language's
folder with the same path (content/pl/procedures/ct-scan.md translates
content/procedures/ct-scan.md). Read by ``sync_content`` (through
guide/content_folder.py) and written by ``export_content``, so the two
round-trip. The format is in content/README.md "Translations".
"""

import datetime
from pathlib import Path
from types import SimpleNamespace

import yaml

from radiology_guide.guide import translations
from radiology_guide.guide.content_files import REVIEW_STATUSES, ContentError, Lines, Record, split_front_matter
from radiology_guide.guide.models import TRANSLATED_LANGUAGES, Translation

LANGUAGE_CODES = tuple(code for code, _name in TRANSLATED_LANGUAGES)
#: Front matter keys that are about the translation, not its words.
RECORD_KEYS = (
    "translation_of", "language", "source_revision", "translated_by", "translation_checked_by",
    "review_status", "approved_by", "approved_on",
)  # fmt: skip
TEXT_KEYS = tuple(name for name in translations.FIELDS["page"] if name != "body")


def translation_paths(root: Path):
    """(language, path of the translation, path of its English) for every translation file."""
    for language in LANGUAGE_CODES:
        for path in sorted((root / language).rglob("*.md")):
            yield language, path, root / path.relative_to(root / language)


def read_translation(path: Path, language: str, english: Record | None) -> Record:
    """One translation file, checked against its English record: the same
    page, and nothing less safe (guide/translations.py ``problems``)."""
    meta, body, header, _body_line = split_front_matter(path)
    lines = Lines(header)
    if english is None or english.model != "page":
        raise ContentError(path, 1, "no English page at the same path: a translation sits beside its English")
    unknown = sorted(set(meta) - {*RECORD_KEYS, *TEXT_KEYS})
    if unknown:
        raise ContentError(path, lines(unknown[0]), f"unknown field '{unknown[0]}'")
    if meta.get("translation_of") != english.key:
        raise ContentError(path, lines("translation_of"), f"translation_of must be '{english.key}', its English page")
    if meta.get("language") != language:
        raise ContentError(path, lines("language"), f"language must be '{language}', its folder")
    if not str(meta.get("translated_by") or "").strip():
        raise ContentError(path, lines("translated_by"), "say who translated it (translated_by)")
    status = meta.get("review_status")
    if status not in REVIEW_STATUSES:
        raise ContentError(path, lines("review_status"), f"review_status must be one of {sorted(REVIEW_STATUSES)}")
    approved_on = meta.get("approved_on")
    if status == "approved" and not (meta.get("approved_by") and isinstance(approved_on, datetime.date)):
        raise ContentError(path, lines("review_status"), "an approved translation records approved_by and approved_on")
    text = {key: meta[key] for key in TEXT_KEYS if meta.get(key) not in (None, "", [], {})}
    for key, value in text.items():
        if isinstance(value, str):
            text[key] = " ".join(value.split())
    if body.strip():
        text["body"] = body.strip()
    english_page = SimpleNamespace(**english.fields)
    # Made from other English (out of date): it loads, and shows the English
    # instead while it is less safe than the English now (translations.render).
    up_to_date = str(meta.get("source_revision") or "") == translations.fingerprint(english_page)
    for message in translations.problems(english_page, text) if up_to_date else []:
        key = message.split(":")[0].split(".")[0].split(" ")[0]
        raise ContentError(path, lines(key) if key in meta else 1, message)
    fields = {
        "language": language,
        "of_model": "page",
        "of_key": english.key,
        "source_revision": str(meta.get("source_revision") or ""),
        "translated_by": str(meta["translated_by"]).strip(),
        "translation_checked_by": str(meta.get("translation_checked_by") or "").strip(),
        "review_status": status,
        "approved_by_name": str(meta.get("approved_by") or "") if status == "approved" else "",
        "approved_on": approved_on if status == "approved" else None,
        "text": text,
    }
    return Record("translation", Translation.make_key(language, "page", english.key), fields, path)


def translation_text(fields: dict) -> str:
    """The file for a translation's ``file_fields()``: the inverse of read_translation."""
    meta = {
        "translation_of": fields["of_key"],
        "language": fields["language"],
        "source_revision": fields["source_revision"],
        "translated_by": fields["translated_by"],
        "translation_checked_by": fields["translation_checked_by"],
        "review_status": fields["review_status"],
    }
    if fields["review_status"] == "approved":
        meta |= {"approved_by": fields["approved_by_name"], "approved_on": fields["approved_on"]}
    text = fields["text"] or {}
    meta |= {key: text[key] for key in TEXT_KEYS if key in text}
    header = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{header}---\n{text.get('body', '').strip()}\n"
