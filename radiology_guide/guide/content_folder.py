"""Read the whole content/ folder and check it across files: every file is
read (guide/content_files.py), then what no single file can show is checked
(duplicates, related pages that do not exist, pictures outside the library,
the glossary's aliases and senses). ``sync_content`` imports everything or
nothing: every problem in every file is listed at once.
"""

from pathlib import Path

from radiology_guide.guide import content_types, easy_read, safety_rules, translation_files
from radiology_guide.guide.content_files import (
    EASY_READ_FOLDER,
    PROCEDURE_FIELDS,
    SECTION_FIELDS,
    SITE_PAGE_FIELDS,
    ContentError,
    ContentErrors,
    ContentSet,
    Lines,
    file_line,
    read_comparison,
    read_easy_read,
    read_faqs,
    read_glossary,
    read_page,
    split_front_matter,
)
from radiology_guide.guide.markdown import image_problems
from radiology_guide.images.files import read_images


def read_content(root: Path) -> ContentSet:
    """Read and check every file. Raises ContentErrors listing every problem
    in every file (a writer sees them all at once), or returns the records."""
    content, errors = ContentSet(), []

    def read(path, reader, *args):
        try:
            records = reader(path, *args)
        except ContentError as error:
            errors.append(error)
        else:
            content.records.extend(records if isinstance(records, list) else [records])

    for path in sorted((root / "sections").glob("*.md")):
        read(path, read_page, SECTION_FIELDS, "section")
    for path in sorted((root / "procedures").glob("*.md")):
        read(path, read_page, PROCEDURE_FIELDS, None)
    for path in sorted((root / "pages").glob("*.md")):
        read(path, read_page, SITE_PAGE_FIELDS, "page")
    for path in sorted((root / EASY_READ_FOLDER).glob("*.md")):
        read(path, read_easy_read)
    for name, reader in (("comparison.md", read_comparison), ("faqs.md", read_faqs), ("glossary.md", read_glossary)):
        path = root / name
        if not path.exists():
            errors.append(ContentError(path, 1, "file is missing"))
            continue
        read(path, reader)
    # Translations last, each checked against its English (issue 23).
    english = {record.path.resolve(): record for record in content.of("page")}
    for language, path, english_path in translation_files.translation_paths(root):
        read(path, translation_files.read_translation, language, english.get(english_path.resolve()))
    content.images, image_errors = read_images(root)
    errors += [ContentError(error.path, error.line, error.message) for error in image_errors]
    errors += _check_unique(content) + _check_related(content, root) + _check_images(content, root)
    errors += _check_glossary(content) + _check_lengths(content) + _check_easy_read(content)
    if errors:
        raise ContentErrors(errors)
    return content


def _check_lengths(content):
    """Nothing longer than its field holds: PostgreSQL refuses it (SQLite
    would keep it), so a file that loads here loads on the clinic's server."""
    errors = []
    for record in content.records:
        fields = content_types.BY_RECORD[record.model].model._meta
        for name, value in record.fields.items():
            limit = getattr(fields.get_field(name), "max_length", None) if isinstance(value, str) else None
            if limit and len(value) > limit:
                in_front_matter = record.model in ("page", "translation")
                line = Lines(split_front_matter(record.path)[2])(name) if in_front_matter else record.line
                message = f"{name} is {len(value)} characters long; it can be at most {limit}"
                errors.append(ContentError(record.path, line, message))
    return errors


def _check_easy_read(content):
    """Each Easy Read page has its standard page, and fills every tier of
    help that page fills, under the same rules (guide/easy_read.py)."""
    pages = {record.key: record for record in content.of("page")}
    errors = []
    for record in pages.values():
        if record.fields["kind"] != "easy_read":
            continue
        standard = pages.get(easy_read.standard_of(record.key))
        for keys, message in easy_read.fields_problems(record.fields, standard and standard.fields):
            line = Lines(split_front_matter(record.path)[2])(*keys)
            errors.append(ContentError(record.path, line, message))
    return errors


def _check_glossary(content):
    """The glossary's aliases, and each page's choice of senses (guide/safety_rules.py)."""
    terms = content.of("term")
    aliases = [(t.key, t.fields["term"], [a.strip() for a in t.fields["aliases"].split(",") if a.strip()])
               for t in terms]  # fmt: skip
    line = {t.key: t.line for t in terms}
    errors = [ContentError(terms[0].path, line[slug], message)
              for slug, message in safety_rules.glossary_alias_problems(aliases)]  # fmt: skip
    words = {word.lower(): slug for slug, term, more in aliases for word in [term, *more]}
    for record in content.of("page"):
        senses, skip = record.fields.get("glossary_senses"), record.fields.get("glossary_skip")
        if terms and (senses or skip):
            for _, message in safety_rules.glossary_choice_problems(senses, skip, words):
                errors.append(ContentError(record.path, record.line, message))
    return errors


def _check_unique(content):
    seen, errors = {}, []
    for record in content.records:
        key = (record.model, record.key)
        if key in seen:
            first = seen[key]
            errors.append(
                ContentError(
                    record.path,
                    record.line,
                    f"duplicate {record.model} '{record.key}' (also at {first.path}:{first.line})",
                )
            )
        seen[key] = record
    return errors


def _check_related(content, root):
    # Slugs of files that failed to load count too: their own error is enough.
    slugs = {record.key for record in content.of("page")}
    slugs |= {path.stem for path in root.glob("procedures/*.md")}
    slugs |= {path.stem.split("-", 1)[-1] for path in root.glob("sections/*.md")}
    errors = []
    for record in content.of("page"):
        for index, slug in enumerate(record.fields.get("related") or []):
            if slug not in slugs:
                line = Lines(split_front_matter(record.path)[2])("related", index)
                errors.append(ContentError(record.path, line, f"related page '{slug}' does not exist"))
    return errors


#: The Markdown fields of each kind of record (from the registry).
MARKDOWN_FIELDS = {content_type.record: content_type.markdown_fields for content_type in content_types.CONTENT_TYPES}


def _check_images(content, root):
    """Pictures only from the image library, and only ones in the files: a
    database loaded from the files must be able to show every page."""
    known = {record.slug for record in content.images}
    known |= {path.stem for path in root.glob("images/*.yaml")}  # their own error is enough
    errors = []
    for record in content.records:
        for name in MARKDOWN_FIELDS[record.model]:
            text = record.fields.get(name) or ""
            for line, message in image_problems(text, known):
                errors.append(ContentError(record.path, file_line(record, text, line), message))
    return errors
