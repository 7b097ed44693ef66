"""Write content/ back from the database (``export_content``): the inverse of
guide/content_files.py, so reading what this writes gives back exactly the
same records."""

import yaml

from radiology_guide.guide import easy_read


def _front_matter(fields, extra_keys=()):
    meta = {"title": fields["title"]}
    for key in extra_keys:
        value = fields.get(key)
        if value not in ("", None, [], {}) or key in ("slug", "order", "kind", "sedation_aftercare"):
            meta[key] = value
    meta["summary"] = fields["summary"]
    meta["review_status"] = fields["review_status"]
    if fields["review_status"] == "approved":
        meta["approved_by"] = fields.get("approved_by_name") or ""
        meta["approved_on"] = fields.get("approved_on")
        meta["reviewer_role"] = fields.get("reviewer_role") or ""
        for key in ("reviewer_registration", "review_sheet"):
            if fields.get(key):
                meta[key] = fields[key]
    meta["sources"] = fields["sources"]
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000) + "---\n"


def page_text(fields):
    kind = fields["kind"]
    if kind == "section":
        keys = ("slug", "order", "related", "glossary_senses", "glossary_skip")
    elif kind in ("scan", "procedure"):
        keys = (
            "slug", "kind", "order", "duration", "ionising_radiation", "dose_band", "dose", "dose_source",
            "sedation", "sedation_aftercare", "usual_stay", "related", "glossary_senses", "glossary_skip",
            "preparation", "preparation_timing", "warning_signs", "risks",
        )  # fmt: skip
    elif kind == "easy_read":
        fields = {**fields, "standard": easy_read.standard_of(fields["slug"])}
        keys = ("standard", "warning_signs")
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
