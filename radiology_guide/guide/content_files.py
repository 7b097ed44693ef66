"""Read and write the Markdown files in content/ (format: content/README.md).

``read_content`` parses every file into plain records, checking them strictly
so that ``sync_content`` either imports everything or nothing. ``write_content``
is its inverse, used by ``export_content``: reading what it wrote gives back
exactly the same records.
"""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.utils.text import slugify

COMMON_FIELDS = {
    "title", "summary", "review_status", "last_reviewed", "next_review_due", "reviewer_role",
    "sources", "approved_by", "approved_on",
}  # fmt: skip
REQUIRED_FIELDS = {"title", "summary", "review_status", "last_reviewed", "next_review_due", "reviewer_role", "sources"}
SECTION_FIELDS = COMMON_FIELDS | {"slug", "order", "related"}
PROCEDURE_FIELDS = SECTION_FIELDS | {"kind", "duration", "ionising_radiation", "dose_band", "sedation", "usual_stay"}
SITE_PAGE_FIELDS = COMMON_FIELDS | {"slug"}
REVIEW_STATUSES = {"awaiting clinical review", "approved"}
DOSE_BANDS = {"none", "very low", "low", "medium", "high"}
COMPARISON_HEADER = ["feature", "diagnostic radiology", "interventional radiology"]
ID_COMMENT = re.compile(r"^<!--\s*(id|also):\s*(.*?)\s*-->\s*$")

# Page fields that are not front matter keys of the same name.
PAGE_DEFAULTS = {
    "kind": "section", "order": 0, "body": "", "caption": "", "approved_by_name": "", "approved_on": None,
    "related": [], "duration": "", "ionising_radiation": None, "dose_band": "", "sedation": "", "usual_stay": "",
}  # fmt: skip


class ContentError(Exception):
    def __init__(self, path, line, message):
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}")


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

    def of(self, model):
        return [record for record in self.records if record.model == model]


def read_content(root: Path) -> ContentSet:
    content = ContentSet()
    for path in sorted((root / "sections").glob("*.md")):
        content.records.append(_page(path, SECTION_FIELDS, kind="section"))
    for path in sorted((root / "procedures").glob("*.md")):
        content.records.append(_page(path, PROCEDURE_FIELDS, kind=None))
    for path in sorted((root / "pages").glob("*.md")):
        content.records.append(_page(path, SITE_PAGE_FIELDS, kind="page"))
    for name, reader in (("comparison.md", _comparison), ("faqs.md", _faqs), ("glossary.md", _glossary)):
        path = root / name
        if not path.exists():
            raise ContentError(path, 1, "file is missing")
        content.records.extend(reader(path))
    _check_unique(content)
    return content


def _check_unique(content):
    seen = {}
    for record in content.records:
        key = (record.model, record.key)
        if key in seen:
            first = seen[key]
            raise ContentError(
                record.path, record.line, f"duplicate {record.model} '{record.key}' (also at {first.path}:{first.line})"
            )
        seen[key] = record


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
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ContentError(path, (mark.line + 2) if mark else 1, f"front matter is not valid YAML: {error}") from None
    if not isinstance(meta, dict):
        raise ContentError(path, 2, "front matter must be a set of 'key: value' lines")
    body = "\n".join(lines[end + 1 :])
    return meta, body, lines[: end + 1], end + 2


def _key_line(header_lines, key):
    for number, line in enumerate(header_lines, start=1):
        if line.startswith(f"{key}:"):
            return number
    return 1


def _common(path, meta, header, allowed):
    unknown = sorted(set(meta) - allowed)
    if unknown:
        raise ContentError(path, _key_line(header, unknown[0]), f"unknown field '{unknown[0]}'")
    missing = sorted((REQUIRED_FIELDS | (allowed & {"slug", "order"})) - set(meta))
    if missing:
        raise ContentError(path, 1, f"missing field '{missing[0]}'")
    for key in ("title", "summary", "reviewer_role"):
        if not isinstance(meta[key], str) or not meta[key].strip():
            raise ContentError(path, _key_line(header, key), f"'{key}' must be some text")
    if meta["review_status"] not in REVIEW_STATUSES:
        raise ContentError(
            path, _key_line(header, "review_status"), f"review_status must be one of {sorted(REVIEW_STATUSES)}"
        )
    for key in ("last_reviewed", "next_review_due", "approved_on"):
        if key in meta and not isinstance(meta[key], datetime.date):
            raise ContentError(path, _key_line(header, key), f"'{key}' must be a date like 2026-11-27")
    sources = meta["sources"]
    if not isinstance(sources, list) or not all(
        isinstance(s, dict) and set(s) == {"name", "url"} and str(s["url"]).startswith("https://") for s in sources
    ):
        raise ContentError(path, _key_line(header, "sources"), "sources must be a list of 'name' and https 'url' pairs")
    return {
        "title": meta["title"].strip(),
        "summary": meta["summary"].strip(),
        "review_status": meta["review_status"],
        "last_reviewed": meta["last_reviewed"],
        "next_review_due": meta["next_review_due"],
        "reviewer_role": meta["reviewer_role"].strip(),
        "approved_by_name": str(meta.get("approved_by") or ""),
        "approved_on": meta.get("approved_on"),
        "sources": [{"name": str(s["name"]), "url": str(s["url"])} for s in sources],
    }


def _page(path, allowed, kind):
    meta, body, header, _ = split_front_matter(path)
    fields = dict(PAGE_DEFAULTS) | _common(path, meta, header, allowed)
    slug = meta["slug"]
    if not isinstance(slug, str) or slugify(slug) != slug:
        raise ContentError(path, _key_line(header, "slug"), "slug must be lowercase words joined by hyphens")
    fields["slug"] = slug
    fields["body"] = body.strip()
    if kind == "page":
        fields["kind"] = "page"
        return Record("page", slug, fields, path)
    if not isinstance(meta["order"], int):
        raise ContentError(path, _key_line(header, "order"), "order must be a whole number")
    fields["order"] = meta["order"]
    related = meta.get("related") or []
    if not isinstance(related, list) or not all(isinstance(r, str) for r in related):
        raise ContentError(path, _key_line(header, "related"), "related must be a list of slugs")
    fields["related"] = related
    if kind == "section":
        return Record("page", slug, fields, path)
    if meta.get("kind") not in ("scan", "procedure"):
        raise ContentError(path, _key_line(header, "kind"), "kind must be 'scan' or 'procedure'")
    if meta.get("dose_band", "") not in DOSE_BANDS | {""}:
        raise ContentError(path, _key_line(header, "dose_band"), f"dose_band must be one of {sorted(DOSE_BANDS)}")
    if "ionising_radiation" in meta and not isinstance(meta["ionising_radiation"], bool):
        raise ContentError(path, _key_line(header, "ionising_radiation"), "ionising_radiation must be true or false")
    fields["kind"] = meta["kind"]
    for key in ("duration", "sedation", "usual_stay", "dose_band"):
        fields[key] = str(meta.get(key) or "").strip()
    fields["ionising_radiation"] = meta.get("ionising_radiation")
    return Record("page", slug, fields, path)


def _site_page(path, slug, allowed=COMMON_FIELDS):
    meta, body, header, body_line = split_front_matter(path)
    fields = dict(PAGE_DEFAULTS) | _common(path, meta, header, allowed)
    fields.update(kind="page", slug=slug, caption=str(meta.get("caption") or "").strip())
    return Record("page", slug, fields, path), body, body_line


def _comparison(path):
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


def _faqs(path):
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
        order += 1
        fields = {"group": group, "question": question, "anchor": anchor, "answer": answer, "order": order}
        records.append(Record("faq", anchor, fields, path, number))
    return records


def _glossary(path):
    page, body, first_line = _site_page(path, "glossary")
    records = [page]
    for number, term, lines in _sections(path, body, first_line, 2):
        if term is None:
            raise ContentError(path, number, "the glossary has no groups: use '## Term' headings only")
        aliases, definition = _id_comment(path, number, lines, "also")
        if not definition:
            raise ContentError(path, number, f"the term '{term}' has no definition")
        fields = {"term": term, "slug": slugify(term), "aliases": aliases or "", "definition": definition}
        records.append(Record("term", fields["slug"], fields, path, number))
    return records


# ---------------------------------------------------------------------------
# Writing


def _front_matter(fields, extra_keys=()):
    meta = {"title": fields["title"]}
    for key in extra_keys:
        value = fields.get(key)
        if value not in ("", None, []) or key in ("slug", "order", "kind"):
            meta[key] = value
    meta["summary"] = fields["summary"]
    meta["review_status"] = fields["review_status"]
    if fields.get("approved_by_name"):
        meta["approved_by"] = fields["approved_by_name"]
    if fields.get("approved_on"):
        meta["approved_on"] = fields["approved_on"]
    meta["last_reviewed"] = fields["last_reviewed"]
    meta["next_review_due"] = fields["next_review_due"]
    meta["reviewer_role"] = fields["reviewer_role"]
    meta["sources"] = fields["sources"]
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000) + "---\n"


def page_text(fields):
    kind = fields["kind"]
    if kind == "section":
        keys = ("slug", "order", "related")
    elif kind in ("scan", "procedure"):
        keys = (
            "slug",
            "kind",
            "order",
            "duration",
            "ionising_radiation",
            "dose_band",
            "sedation",
            "usual_stay",
            "related",
        )
    elif fields["slug"] == "compare":
        keys = ("caption",)
    elif fields["slug"] in ("faqs", "glossary"):
        keys = ()
    else:
        keys = ("slug",)
    return _front_matter(fields, keys) + "\n" + fields["body"].strip() + "\n"


def comparison_text(page, rows):
    lines = ["| Feature | Diagnostic radiology | Interventional radiology |", "|---|---|---|"]
    lines += [f"| {r['feature']} | {r['diagnostic']} | {r['interventional']} |" for r in rows]
    return page_text(page) + "\n".join(lines) + "\n"


def faqs_text(page, faqs):
    parts, group = [page_text(page).rstrip("\n") + "\n"], None
    for faq in faqs:
        if faq["group"] != group:
            group = faq["group"]
            parts.append(f"# {group}\n")
        parts.append(f"## {faq['question']}\n<!-- id: {faq['anchor']} -->\n{faq['answer'].strip()}\n")
    return "\n".join(parts)


def glossary_text(page, terms):
    parts = [page_text(page).rstrip("\n") + "\n"]
    for term in terms:
        also = f"<!-- also: {term['aliases']} -->\n" if term["aliases"] else ""
        parts.append(f"## {term['term']}\n{also}{term['definition'].strip()}\n")
    return "\n".join(parts)
