"""The inside of each guide page's <main>, rendered when content changes,
never per request.

A section or a scan/procedure page shows its own fields and body, plus links
that name other pages: the previous and next sections and the related pages.
So whenever any page is saved or deleted (or the glossary changes the
rendered bodies), every guide page's ``main_html`` is rendered again, in the
same transaction, and only what changed is written. There are a few dozen
guide pages, so this costs tens of milliseconds per save.

A request then reads one row and renders only the site's header and footer
around it (README "Benchmarks" has the measurements).
"""

import hashlib
import re
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from radiology_guide.core.models import ClinicDetails
from radiology_guide.guide import easy_read, figures, safety
from radiology_guide.guide.markdown import render_inline
from radiology_guide.guide.models import LINK_FIELDS, Page

TEMPLATES = {
    Page.Kind.SECTION: "guide/includes/section_main.html",
    Page.Kind.SCAN: "guide/includes/procedure_main.html",
    Page.Kind.PROCEDURE: "guide/includes/procedure_main.html",
    Page.Kind.EASY_READ: "guide/includes/easy_read_main.html",
}
KINDS = tuple(TEMPLATES)


def _neighbours(sections, slug):
    """(previous, next) as (slug, title) pairs, or None at either end."""
    slugs = [s for s, _ in sections]
    if slug not in slugs:
        return None, None
    position = slugs.index(slug)
    previous = sections[position - 1] if position > 0 else None
    following = sections[position + 1] if position + 1 < len(sections) else None
    return previous, following


# The structured blocks of a scan or procedure page, with their headings, and
# the body section each one goes before (None: after "Recovery and going home").
# Every scan and procedure page is laid out the same way (content/README.md).
STRUCTURED_BLOCKS = {
    "preparation": ("how-do-i-prepare", _("How do I prepare?")),
    "risks": ("what-are-the-risks", _("What are the risks?")),
    "sedation": ("after-sedation", _("After sedation")),
    "help": ("when-to-get-help", _("When to get help")),
}
PLACED_BEFORE = {"what-happens-on-the-day": ["preparation"], "recovery-and-going-home": ["risks"]}
PLACED_AFTER = {"recovery-and-going-home": ["sedation", "help"]}
# The picture beside each tier of help on an Easy Read page.
HELP_PICTURES = {"call_999": "call-999", "phone": "phone", "calendar": "calendar", "friend": "friend", "rest": "rest"}
_H2 = re.compile(r'<h2 id="([^"]+)">')


def procedure_blocks(page):
    """The body split at its headings, with the structured blocks placed
    among them: a list of {"html": ...} or {"name": ...}, and the table of
    contents in the same order."""
    wanted = ["preparation", "risks", "help"]
    if page.sedation_aftercare:
        wanted.insert(2, "sedation")
    parts = [part for part in re.split(r'(?=<h2 id=")', page.body_html) if part.strip()]
    titles = {entry["id"]: entry["title"] for entry in page.toc}
    blocks, toc = [], []

    def add(names):
        for name in names:
            if name in wanted:
                wanted.remove(name)
                blocks.append({"name": name})
                toc.append({"id": STRUCTURED_BLOCKS[name][0], "title": str(STRUCTURED_BLOCKS[name][1]), "level": 2})

    for part in parts:
        match = _H2.match(part)
        anchor = match.group(1) if match else None
        add(PLACED_BEFORE.get(anchor, []))
        blocks.append({"html": mark_safe(part)})  # noqa: S308 - sanitised when saved
        if anchor:
            toc.append({"id": anchor, "title": titles.get(anchor, ""), "level": 2})
        add(PLACED_AFTER.get(anchor, []))
    add(list(wanted))  # a body without the usual headings still shows every block
    return blocks, toc


def _inline(value):
    return mark_safe(render_inline(value))  # noqa: S308 - sanitised by render_inline


def structured_context(page):
    """The structured safety content, rendered (inline Markdown allowed)."""
    preparation = page.preparation or {}
    signs = page.warning_signs or {}
    return {
        "preparation": [
            (label, _inline(preparation[key]))
            for key, label in (
                ("eating_and_drinking", _("Eating and drinking")),
                ("medicines", _("Medicines")),
                ("what_to_bring", _("What to bring")),
                ("other", _("Other things to know")),
            )
            if preparation.get(key)
        ],
        "signs": {
            key: [_inline(text) for text in signs.get(key) or []]
            for key in ("call_999", "call_111_or_unit", "next_visit")
        },
        # Each figure links to its source's number in "Where this information
        # comes from" at the end: the citations in full made the page 13 phone
        # screens long (issue 19).
        "risks": [
            {
                "what": _inline(risk["what"]),
                "how_often": risk["how_often"],
                "source": risk["source"],
                "ref": page.reference_number(risk["source"]),
            }
            for risk in page.risks or []
        ],
        "dose": _inline(page.dose) if page.dose else "",
        "dose_ref": page.reference_number(page.dose_source) if page.dose_source else None,
    }


def large_print_context(page):
    """A guide page laid out for large print: for a scan or procedure, the
    same blocks as its page with "When to get help" taken out to go first,
    after the title; pictures left out (their words are in the text)."""
    if page.kind not in (Page.Kind.SCAN, Page.Kind.PROCEDURE):
        return {"blocks": [{"html": mark_safe(page.body_html)}]}  # noqa: S308 - sanitised when saved
    blocks, _toc = procedure_blocks(page)
    return {
        "blocks": [block for block in blocks if block.get("name") != "help"],
        "clinic": ClinicDetails.load(),
        **structured_context(page),
    }


def render_main(page, sections=None, by_slug=None, clinic=None, retitle=None):
    """The HTML inside <main> for a guide page, from the database as it is now.
    ``sections`` and ``by_slug`` (every page to link to) save queries when
    many pages are rendered at once. ``retitle``: names the related pages in
    a translation's language (guide/translations.py)."""
    if sections is None:
        sections = list(Page.objects.sections().values_list("slug", "title"))
    previous, following = _neighbours(sections, page.slug)
    related = page.related_pages(by_slug)
    if retitle is not None:
        related = retitle(related)
    context = {"page": page, "related": related, "previous": previous, "next": following}
    if page.kind in (Page.Kind.SCAN, Page.Kind.PROCEDURE, Page.Kind.EASY_READ):
        # Each links to the other: "Easy Read version" and "Standard version".
        other = easy_read.slug_for(page.slug) if page.kind != Page.Kind.EASY_READ else page.standard_slug
        if by_slug is None:
            found = Page.objects.filter(slug=other).only(*LINK_FIELDS, "sedation_aftercare")
            by_slug = {page.slug: page for page in found}
        context["other_version"] = by_slug.get(other)
    if page.kind == Page.Kind.EASY_READ:
        signs = page.warning_signs or {}
        context |= {
            "sections": easy_read.rendered_sections(page),
            "signs": {key: [_inline(text) for text in signs.get(key) or []] for key in safety.WARNING_TIERS},
            "clinic": clinic or ClinicDetails.load(),
            "pictures": {tier: figures.PICTURES_BY_SLUG[name] for tier, name in HELP_PICTURES.items()},
            # The standard page's shared sedation block, in simple words.
            "sedation_aftercare": bool(context["other_version"] and context["other_version"].sedation_aftercare),
        }
    elif page.kind in (Page.Kind.SCAN, Page.Kind.PROCEDURE):
        blocks, toc = procedure_blocks(page)
        # "When to get help" gives the clinic's phone number: saving the
        # clinic's details renders the pages again (guide/signals.py).
        context |= {"blocks": blocks, "toc": toc, "clinic": clinic or ClinicDetails.load()}
        context |= structured_context(page)
    return render_to_string(TEMPLATES[page.kind], context).strip()


SUMMARY_TEMPLATE = "guide/includes/procedure_summary_main.html"


def render_summary(page, clinic=None):
    """The inside of <main> of a scan or procedure's printable summary (issue 19)."""
    context = {"page": page, "clinic": clinic or ClinicDetails.load(), **structured_context(page)}
    return render_to_string(SUMMARY_TEMPLATE, context)


def summary_html(page):
    """What the summary view shows: as ``main_html``, stored unless DEBUG is on."""
    if settings.DEBUG or not page.summary_html:
        return mark_safe(render_summary(page))  # noqa: S308 - our own templates, sanitised fields
    return mark_safe(page.summary_html)  # noqa: S308 - our own templates, sanitised fields


def prerender_all(clinic=None, only=None):
    """Render every guide page's main_html (and summary_html) again (or those whose pk is in
    ``only``); returns how many changed. Three queries and one bulk update,
    however many pages there are. ``clinic``: the clinic's details just saved
    (the cached copy is older)."""
    sections = list(Page.objects.sections().values_list("slug", "title"))
    by_slug = {page.slug: page for page in Page.objects.only(*LINK_FIELDS, "sedation_aftercare")}
    stale = []
    clinic = clinic or ClinicDetails.load()
    pages = Page.objects.filter(kind__in=KINDS)
    if only is not None:
        pages = pages.filter(pk__in=only)
    for page in pages:
        html = render_main(page, sections, by_slug, clinic)
        summary = render_summary(page, clinic) if page.kind in (Page.Kind.SCAN, Page.Kind.PROCEDURE) else ""
        if html != page.main_html or summary != page.summary_html:
            page.main_html, page.summary_html = html, summary
            stale.append(page)
    Page.objects.bulk_update(stale, ["main_html", "summary_html"])
    return len(stale)


def main_html(page):
    """What a view shows: the stored HTML, or (before the first render after
    an upgrade has added a page or changed a template) a fresh one. With
    DEBUG on, always a fresh one, so a template edit shows at once."""
    if settings.DEBUG:
        return mark_safe(render_main(page))  # noqa: S308 - our own templates, sanitised bodies
    return mark_safe(page.main_html or render_main(page))  # noqa: S308 - our own templates, sanitised bodies


# What decides the stored HTML besides the content itself: the Markdown
# rendering and these templates. A deploy that changes any of them makes the
# next sync render everything again (guide.sync); otherwise it renders nothing.
_RENDERING_CODE = (
    "markdown.py", "prerender.py", "figures.py", "dosechart.py", "safety.py", "easy_read.py",
    "models/page.py", "models/children.py",
)  # fmt: skip
_RENDERING_TEMPLATES = ("guide/includes", "includes")
_RENDERING_PACKAGES = ("Markdown", "nh3")


def renderer_fingerprint() -> str:
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    files = [here / name for name in _RENDERING_CODE]
    for folder in _RENDERING_TEMPLATES:
        files += sorted((Path(settings.BASE_DIR) / "templates" / folder).glob("*.html"))
    for path in files:
        digest.update(str(path.relative_to(here.parent.parent)).encode() + b"\0" + path.read_bytes())
    for package in _RENDERING_PACKAGES:
        digest.update(metadata.version(package).encode())
    return digest.hexdigest()
