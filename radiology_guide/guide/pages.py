"""What each public page renders: its template and context, for the page
itself (guide/views.py) and for a preview of its draft (guide/preview.py).

Site pages with a template of their own (home, the scans and procedures
list, comparison, FAQs, glossary, visiting, contact) are in ``SITE_PAGES``;
any other site page is plain words (``guide/site_page.html``).
"""

from django.shortcuts import get_object_or_404

from radiology_guide.guide import prerender
from radiology_guide.guide.models import FAQ, LINK_FIELDS, ComparisonRow, GlossaryTerm, Page

PROCEDURE_FILTERS = {
    "kind": ("Type", {"": "All", "scan": "Scans", "procedure": "Procedures"}),
    "radiation": ("Radiation", {"": "All", "no": "No ionising radiation", "yes": "Uses ionising radiation"}),
}


def site_page(slug):
    return get_object_or_404(Page, kind=Page.Kind.PAGE, slug=slug)


def _listed(model, replace=None):
    """Every object of ``model``, with ``replace`` (a draft being previewed) in
    place of its live row."""
    objects = list(model.objects.all())
    if replace is not None and isinstance(replace, model):
        objects = [replace if obj.pk == replace.pk else obj for obj in objects]
    return objects


def procedures_context(chosen):
    pages = Page.objects.procedures()
    if chosen["kind"]:
        pages = pages.filter(kind=chosen["kind"])
    if chosen["radiation"]:
        pages = pages.filter(ionising_radiation=chosen["radiation"] == "yes")
    return {
        "pages": pages.defer("body", "body_html", "toc"),
        "filtered": any(chosen.values()),
        "filters": [
            {
                "name": name,
                "legend": legend,
                "options": [(value, label, chosen[name] == value) for value, label in options.items()],
            }
            for name, (legend, options) in PROCEDURE_FILTERS.items()
        ],
    }


def _with_children(name, model):
    def context(page, replace):
        """A page made of rows, FAQs or terms was last updated when any of them was."""
        children = _listed(model, replace)
        return {name: children, "last_updated": max([page.updated_at, *(child.updated_at for child in children)])}

    return context


def _home_context(page, replace):
    # Sections, scans and procedures in one query: the page leads with the
    # reader's own situation ("I have been sent for a scan"), then explains.
    pages = list(
        Page.objects.filter(kind__in=[Page.Kind.SECTION, Page.Kind.SCAN, Page.Kind.PROCEDURE])
        .only(*LINK_FIELDS, "order")
        .order_by("order", "title")
    )
    by_title = sorted(pages, key=lambda p: p.title.lower())
    return {
        "sections": [p for p in pages if p.kind == Page.Kind.SECTION],
        "scans": [p for p in by_title if p.kind == Page.Kind.SCAN],
        "treatments": [p for p in by_title if p.kind == Page.Kind.PROCEDURE],
    }


def _nothing_more(page, replace):
    return {}


#: Site pages with a template of their own, and what else it shows.
SITE_PAGES = {
    "home": ("guide/home.html", _home_context),
    "procedures": (
        "guide/procedures.html",
        lambda page, replace: procedures_context(dict.fromkeys(PROCEDURE_FILTERS, "")),
    ),
    "compare": ("guide/compare.html", _with_children("rows", ComparisonRow)),
    "faqs": ("guide/faqs.html", _with_children("faqs", FAQ)),
    "glossary": ("guide/glossary.html", _with_children("terms", GlossaryTerm)),
    "visiting": ("guide/visiting.html", _nothing_more),
    # The clinic's phone, address and hours come from its details (core), shown above the page's words.
    "contact": ("guide/contact.html", _nothing_more),
}


def page_template_and_context(page, replace=None):
    """What the public page for ``page`` renders: (template, context).
    ``replace``: a draft shown in place of its live row (previews)."""
    if page.kind != Page.Kind.PAGE:
        return "guide/guide_page.html", {"page": page, "main_html": prerender.main_html(page)}
    template, extra = SITE_PAGES.get(page.slug, ("guide/site_page.html", _nothing_more))
    return template, {"page": page, **extra(page, replace)}
