"""Read one Markdown file of content/ (format: content/README.md) into plain
records, checking it strictly. The whole folder is read and checked across
files by guide/content_folder.py; guide/content_writer.py writes the files
back (``export_content``), so that reading what it wrote gives back exactly
the same records.
"""

import datetime
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.utils.text import slugify

from radiology_guide.guide import easy_read, safety, safety_rules
from radiology_guide.guide.dates import REVIEW_CYCLE_YEARS, add_years

COMMON_FIELDS = {"title", "summary", "review_status", "sources", "approved_by", "approved_on", "reviewer_role"}
COMMON_FIELDS |= {"reviewer_registration", "review_sheet"}
REQUIRED_FIELDS = {"title", "summary", "review_status", "sources"}
# Review dates are set by a clinician's approval in admin, never typed by hand.
REVIEW_RECORD_FIELDS = {"approved_by", "approved_on", "reviewer_role"}
# Also written by export_content for an approved page, when the approval has
# them (approvals recorded before issue 20 have neither).
OPTIONAL_REVIEW_RECORD_FIELDS = {"reviewer_registration", "review_sheet"}
HAND_TYPED_DATES = ("last_reviewed", "next_review_due")
SECTION_FIELDS = COMMON_FIELDS | {"slug", "order", "related", "glossary_senses", "glossary_skip"}
STRUCTURED_FIELDS = (
    "dose", "dose_source", "sedation_aftercare", "preparation", "preparation_timing", "warning_signs", "risks",
)  # fmt: skip
PROCEDURE_FIELDS = SECTION_FIELDS | {
    "kind", "duration", "ionising_radiation", "dose_band", "sedation", "usual_stay", *STRUCTURED_FIELDS,
}  # fmt: skip
SITE_PAGE_FIELDS = COMMON_FIELDS | {"slug"}
# An Easy Read page names its standard page; its slug is made from it (guide/easy_read.py).
EASY_READ_FIELDS = COMMON_FIELDS | {"standard", "warning_signs"}
EASY_READ_FOLDER = "easy-read"
REVIEW_STATUSES = {"awaiting clinical review", "approved"}
COMPARISON_HEADER = ["feature", "diagnostic radiology", "interventional radiology"]
# libyaml's safe loader when PyYAML was built with it (about ten times faster).
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ID_COMMENT = re.compile(r"^<!--\s*(id|also):\s*(.*?)\s*-->\s*$")

# Page fields that are not front matter keys of the same name.
PAGE_DEFAULTS = {
    "kind": "section", "order": 0, "body": "", "caption": "", "approved_by_name": "", "approved_on": None,
    "related": [], "duration": "", "ionising_radiation": None, "dose_band": "", "sedation": "", "usual_stay": "",
    "last_reviewed": None, "next_review_due": None, "reviewer_role": "", "reviewer_registration": "",
    "review_sheet": "",
    "dose": "", "dose_source": {}, "sedation_aftercare": False, "preparation": {}, "warning_signs": {}, "risks": [],
    "preparation_timing": [], "glossary_senses": {}, "glossary_skip": [],
}  # fmt: skip


class ContentError(Exception):
    def __init__(self, path, line, message):
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}")


class ContentErrors(ContentError):
    """Every problem found in the content files, one "path:line: message" a line."""

    def __init__(self, errors):
        self.errors = errors
        first = errors[0]
        super().__init__(first.path, first.line, first.message)
        Exception.__init__(self, "\n".join(str(error) for error in errors))


@dataclass
class Record:
    """One object to be stored: a page, comparison row, FAQ or glossary term."""

    model: str  # "page", "row", "faq" or "term"
    key: str
    fields: dict
    path: Path
    line: int = 1


@dataclass
class ContentSet:
    records: list[Record] = field(default_factory=list)
    #: The image library's files (radiology_guide/images/files.py).
    images: list = field(default_factory=list)

    def of(self, model):
        return [record for record in self.records if record.model == model]


def file_line(record, text, line):
    """The line of the file that holds line ``line`` of a record's Markdown."""
    wanted = text.splitlines()[line - 1].strip()
    lines = record.path.read_text(encoding="utf-8").splitlines()
    for number in range(record.line, len(lines) + 1):
        if wanted in lines[number - 1]:
            return number
    return record.line


def split_front_matter(path: Path):
    """Return (front matter dict, body text, line number where the body starts)."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ContentError(path, 1, "no front matter: the file must start with a line '---'")
    end = next((number for number, line in enumerate(lines[1:], start=1) if line.strip() == "---"), None)
    if end is None:
        raise ContentError(path, 1, "front matter is not closed by a line '---'")
    try:
        meta = yaml.load("\n".join(lines[1:end]), Loader=YAML_LOADER) or {}  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ContentError(path, (mark.line + 2) if mark else 1, f"front matter is not valid YAML: {error}") from None
    if not isinstance(meta, dict):
        raise ContentError(path, 2, "front matter must be a set of 'key: value' lines")
    body = "\n".join(lines[end + 1 :])
    return meta, body, lines[: end + 1], end + 2


class Lines:
    """Finds the file line of a front matter value from its keys, like
    ("risks", 2, "how_often"), so that an error can point at it."""

    def __init__(self, header_lines):
        self.header_lines = header_lines

    @functools.cached_property
    def root(self):
        # Composed only when an error needs a line: composing every file's
        # front matter again took half of sync_content's time (bench/editing).
        try:
            return yaml.compose("\n".join(self.header_lines[1:-1]), Loader=YAML_LOADER)
        except yaml.YAMLError:
            return None

    def __call__(self, *keys):
        node, line = self.root, 1
        for key in keys:
            if isinstance(node, yaml.MappingNode):
                match = next(((k, v) for k, v in node.value if k.value == key), None)
                if match is None:
                    return line
                line, node = match[0].start_mark.line + 2, match[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
                line = node.start_mark.line + 2
            else:
                return line
        return line


def _common(path, meta, header, allowed):
    lines = Lines(header)
    for key in HAND_TYPED_DATES:
        if key in meta:
            raise ContentError(
                path, lines(key), f"remove '{key}': review dates are set by a clinician's approval in admin"
            )
    unknown = sorted(set(meta) - allowed)
    if unknown:
        raise ContentError(path, lines(unknown[0]), f"unknown field '{unknown[0]}'")
    missing = sorted((REQUIRED_FIELDS | (allowed & {"slug", "order"})) - set(meta))
    if missing:
        raise ContentError(path, 1, f"missing field '{missing[0]}'")
    for key in ("title", "summary"):
        if not isinstance(meta[key], str) or not meta[key].strip():
            raise ContentError(path, lines(key), f"'{key}' must be some text")
    if meta["review_status"] not in REVIEW_STATUSES:
        raise ContentError(path, lines("review_status"), f"review_status must be one of {sorted(REVIEW_STATUSES)}")
    approved = meta["review_status"] == "approved"
    record = {key: meta[key] for key in REVIEW_RECORD_FIELDS if key in meta}
    optional = {key: meta[key] for key in OPTIONAL_REVIEW_RECORD_FIELDS if key in meta}
    if not approved and (record or optional):
        record |= optional
        key = sorted(record)[0]
        raise ContentError(path, lines(key), f"'{key}' is written only by export_content for an approved page")
    if approved and set(record) != REVIEW_RECORD_FIELDS:
        raise ContentError(
            path, lines("review_status"), "an approved page records approved_by, approved_on and reviewer_role"
        )
    if approved and not isinstance(meta["approved_on"], datetime.date):
        raise ContentError(path, lines("approved_on"), "'approved_on' must be a date like 2026-11-27")
    problems = safety.sources_problems(meta["sources"], schemes=("https",))
    if problems:
        keys, message = problems[0]
        raise ContentError(path, lines(*keys), message)
    approved_on = meta.get("approved_on")
    return {
        "title": meta["title"].strip(),
        "summary": meta["summary"].strip(),
        "review_status": meta["review_status"],
        "last_reviewed": approved_on,
        "next_review_due": add_years(approved_on, REVIEW_CYCLE_YEARS) if approved_on else None,
        "reviewer_role": str(meta.get("reviewer_role") or "").strip(),
        "approved_by_name": str(meta.get("approved_by") or ""),
        "approved_on": approved_on,
        "reviewer_registration": str(meta.get("reviewer_registration") or "").strip(),
        "review_sheet": str(meta.get("review_sheet") or "").strip(),
        "sources": [{"name": str(s["name"]).strip(), "url": str(s["url"])} for s in meta["sources"]],
    }


def read_page(path, allowed, kind):
    meta, body, header, body_line = split_front_matter(path)
    lines = Lines(header)
    fields = dict(PAGE_DEFAULTS) | _common(path, meta, header, allowed)
    slug = meta["slug"]
    if not isinstance(slug, str) or slugify(slug) != slug:
        raise ContentError(path, lines("slug"), "slug must be lowercase words joined by hyphens")
    fields["slug"] = slug
    fields["body"] = body.strip()
    for number, message in safety_rules.sedation_contradictions(body):
        raise ContentError(path, body_line + number - 1, message)
    if kind == "page":
        fields["kind"] = "page"
        return Record("page", slug, fields, path)
    if not isinstance(meta["order"], int):
        raise ContentError(path, lines("order"), "order must be a whole number")
    fields["order"] = meta["order"]
    related = meta.get("related") or []
    if not isinstance(related, list) or not all(isinstance(r, str) for r in related):
        raise ContentError(path, lines("related"), "related must be a list of slugs")
    fields["related"] = related
    fields["glossary_senses"] = meta.get("glossary_senses") or {}
    fields["glossary_skip"] = meta.get("glossary_skip") or []
    if kind == "section":
        return Record("page", slug, fields, path)
    if meta.get("kind") not in ("scan", "procedure"):
        raise ContentError(path, lines("kind"), "kind must be 'scan' or 'procedure'")
    fields["kind"] = meta["kind"]
    for key in ("duration", "sedation", "usual_stay", "dose_band", "dose"):
        fields[key] = " ".join(str(meta.get(key) or "").split())
    fields["ionising_radiation"] = meta.get("ionising_radiation")
    fields["sedation_aftercare"] = meta.get("sedation_aftercare")
    fields["dose_source"] = meta.get("dose_source") or {}
    fields["preparation"] = meta.get("preparation") or {}
    fields["preparation_timing"] = meta.get("preparation_timing") or []
    fields["warning_signs"] = meta.get("warning_signs") or {}
    fields["risks"] = meta.get("risks") or []
    problems = safety.procedure_problems(fields)
    if problems:
        keys, message = problems[0]
        raise ContentError(path, lines(*keys), message)
    for heading, message in safety.body_problems(fields["body"]):
        line = body_line
        if heading:
            line += next(n for n, text in enumerate(body.splitlines()) if text.strip() == f"## {heading}")
        raise ContentError(path, line, message)
    fields.update(_normalised(fields))
    return Record("page", slug, fields, path)


def read_procedure(path: Path) -> Record:
    """One scan or procedure file on its own, with every check that needs no
    other file (related pages and duplicates are checked by read_content)."""
    return read_page(path, PROCEDURE_FIELDS, None)


def _normalised(fields):
    """Structured text as stored: trimmed, one line (YAML folding may leave spaces)."""

    def text(value):
        return " ".join(str(value).split())

    def source(pair):
        return {"name": text(pair["name"]), "url": str(pair["url"])} if pair else {}

    return {
        "dose_source": source(fields["dose_source"]),
        "preparation": {
            k: text(fields["preparation"][k]) for k in safety.PREPARATION_FIELDS if k in fields["preparation"]
        },
        "warning_signs": {k: [text(item) for item in fields["warning_signs"][k]] for k in safety.WARNING_TIERS},
        "preparation_timing": [
            {"when": " ".join(str(s["when"]).split()), "what": text(s["what"])} for s in fields["preparation_timing"]
        ],
        "risks": [
            {"what": text(r["what"]), "how_often": text(r["how_often"]), "source": source(r["source"])}
            for r in fields["risks"]
        ],
    }


def file_slug(path: Path) -> str:
    """The slug of the page a file of content/ holds, from its name:
    sections/NNN-<slug>.md, easy-read/<standard slug>.md, else <slug>.md."""
    if path.parent.name == "sections":
        return path.stem.split("-", 1)[-1]
    if path.parent.name == EASY_READ_FOLDER:
        return easy_read.slug_for(path.stem)
    return path.stem


def read_easy_read(path: Path) -> Record:
    """An Easy Read page (format: content/README.md, "Easy Read"), with every
    check that needs no other file; its standard page, and the tiers that
    page fills, are checked by read_content (guide/content_folder.py)."""
    meta, body, header, body_line = split_front_matter(path)
    lines = Lines(header)
    fields = dict(PAGE_DEFAULTS) | _common(path, meta, header, EASY_READ_FIELDS)
    standard = meta.get("standard")
    if not isinstance(standard, str) or not standard or slugify(standard) != standard:
        message = "standard must be the slug of the scan or procedure page this is the Easy Read version of"
        raise ContentError(path, lines("standard"), message)
    if path.stem != standard:
        raise ContentError(path, lines("standard"), f"the file of the Easy Read version of '{standard}' is "
                           f"{EASY_READ_FOLDER}/{standard}.md")  # fmt: skip
    for number, message in sorted(easy_read.body_problems(body) + safety_rules.sedation_contradictions(body)):
        raise ContentError(path, body_line + number - 1, message)
    signs = meta.get("warning_signs") or {}
    for keys, message in safety.warning_sign_problems(signs, call_999_required=False):
        raise ContentError(path, lines(*keys), message)
    fields.update(
        kind="easy_read",
        slug=easy_read.slug_for(standard),
        body=body.strip(),
        warning_signs={tier: [" ".join(str(item).split()) for item in signs[tier]] for tier in safety.WARNING_TIERS},
    )
    return Record("page", fields["slug"], fields, path)


def _site_page(path, slug, allowed=COMMON_FIELDS):
    meta, body, header, body_line = split_front_matter(path)
    fields = dict(PAGE_DEFAULTS) | _common(path, meta, header, allowed)
    fields.update(kind="page", slug=slug, caption=str(meta.get("caption") or "").strip())
    return Record("page", slug, fields, path), body, body_line


def read_comparison(path):
    page, body, first_line = _site_page(path, "compare", COMMON_FIELDS | {"caption"})
    records = [page]
    table = [(n, line.strip()) for n, line in enumerate(body.splitlines(), start=first_line) if line.strip()]
    if len(table) < 3:
        raise ContentError(path, first_line, "the body must be one Markdown table with a header row")
    for number, line in table:
        if not (line.startswith("|") and line.endswith("|")):
            raise ContentError(path, number, "every line of the table must start and end with '|'")
    header = [cell.strip().lower() for cell in _cells(table[0][1])]
    if header != COMPARISON_HEADER:
        raise ContentError(
            path, table[0][0], "the table header must be 'Feature | Diagnostic radiology | Interventional radiology'"
        )
    if not all(set(cell.strip()) <= set("-: ") for cell in _cells(table[1][1])):
        raise ContentError(path, table[1][0], "the second line must separate the header, like '|---|---|---|'")
    for order, (number, line) in enumerate(table[2:], start=1):
        cells = [cell.strip() for cell in _cells(line)]
        if len(cells) != 3 or not all(cells):
            raise ContentError(path, number, "each row needs exactly 3 filled cells")
        feature, diagnostic, interventional = cells
        fields = {"feature": feature, "diagnostic": diagnostic, "interventional": interventional, "order": order}
        records.append(Record("row", feature, fields, path, number))
    return records


def _cells(line):
    # Split on pipes that are not escaped as "\|".
    return re.split(r"(?<!\\)\|", line.strip()[1:-1])


def _sections(path, body, first_line, level):
    """Split a body on headings of one level: yields (line, heading, [body lines])."""
    marker = "#" * level + " "
    current = None
    for number, line in enumerate(body.splitlines(), start=first_line):
        if line.startswith(marker):
            if current:
                yield current
            current = (number, line[len(marker) :].strip(), [])
        elif line.startswith("# ") and level == 2:
            if current:
                yield current
                current = None
            yield (number, None, [line[2:].strip()])  # a group line
        elif current:
            current[2].append(line)
        elif line.strip():
            raise ContentError(path, number, f"text before the first '{marker.strip()}' heading")
    if current:
        yield current


def _id_comment(path, number, lines, kind):
    if lines and (match := ID_COMMENT.match(lines[0].strip())):
        if match.group(1) != kind:
            raise ContentError(path, number + 1, f"expected '<!-- {kind}: ... -->' here")
        return match.group(2), "\n".join(lines[1:]).strip()
    return None, "\n".join(lines).strip()


def read_faqs(path):
    page, body, first_line = _site_page(path, "faqs")
    records, group, order = [page], None, 0
    for number, question, lines in _sections(path, body, first_line, 2):
        if question is None:
            group = lines[0]
            continue
        if group is None:
            raise ContentError(path, number, "put a '# Group name' line before the first question")
        anchor, answer = _id_comment(path, number, lines, "id")
        anchor = anchor or slugify(question)[:80]
        if slugify(anchor) != anchor:
            raise ContentError(path, number + 1, "an id must be lowercase words joined by hyphens")
        if not answer:
            raise ContentError(path, number, f"the question '{question}' has no answer")
        for offset, message in safety_rules.sedation_contradictions("\n".join(lines)):
            raise ContentError(path, number + offset, message)
        order += 1
        fields = {"group": group, "question": question, "anchor": anchor, "answer": answer, "order": order}
        records.append(Record("faq", anchor, fields, path, number))
    return records


def read_glossary(path):
    page, body, first_line = _site_page(path, "glossary")
    records = [page]
    for number, term, lines in _sections(path, body, first_line, 2):
        if term is None:
            raise ContentError(path, number, "the glossary has no groups: use '## Term' headings only")
        aliases, definition = _id_comment(path, number, lines, "also")
        if not definition:
            raise ContentError(path, number, f"the term '{term}' has no definition")
        # The term is the definition's subject: "Sedation" and "you are still awake".
        for offset, message in safety_rules.sedation_contradictions("\n".join(f"{term}: {x}" for x in lines)):
            raise ContentError(path, number + offset, message)
        fields = {"term": term, "slug": slugify(term), "aliases": aliases or "", "definition": definition}
        records.append(Record("term", fields["slug"], fields, path, number))
    return records
