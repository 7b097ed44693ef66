"""What each public page renders: its template and context, for the page
itself (guide/views.py) and for a preview of its draft (guide/preview.py).

Site pages with a template of their own (home, the scans and procedures
list, comparison, FAQs, glossary, visiting, contact) are in ``SITE_PAGES``;
any other site page is plain words (``guide/site_page.html``).

The inside of a site page's <main> (each template's ``main`` partial) is
rendered once per content version in each process and kept
(``stored_main``), as guide pages keep theirs in ``main_html``: the home
page and the scans and procedures list name every page (66 rows read and
76 URLs reversed per request), and that was most of an uncached request's
time (bench/README.md has the profile). Every content change, sync and
change to the clinic's details makes a new content version (core/cache.py),
so a kept copy is never one change behind; with DEBUG on, or for a
preview, it is rendered afresh.
"""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from radiology_guide.core.cache import content_version
from radiology_guide.core.models import ClinicDetails
from radiology_guide.guide import prerender, translations
from radiology_guide.guide.models import FAQ, LINK_FIELDS, ComparisonRow, GlossaryTerm, Page

PROCEDURE_FILTERS = {
    "kind": ("Type", {"": "All", "scan": "Scans", "procedure": "Procedures"}),
    "radiation": ("Radiation", {"": "All", "no": "No ionising radiation", "yes": "Uses ionising radiation"}),
}


#: What a site page's frame (title, description, breadcrumbs) reads of its row
#: when its <main> is kept (``stored_main``).
FRAME_FIELDS = ("kind", "slug", "title", "summary")


def site_page(slug, frame_only=False):
    pages = Page.objects.only(*FRAME_FIELDS) if frame_only else Page.objects.all()
    return get_object_or_404(pages, kind=Page.Kind.PAGE, slug=slug)


def _listed(model, replace=None):
    """Every object of ``model``, with ``replace`` (a draft being previewed) in
    place of its live row."""
    objects = list(model.objects.all())
    if replace is not None and isinstance(replace, model):
        objects = [replace if obj.pk == replace.pk else obj for obj in objects]
    return objects


#: What the scans and procedures list shows of each page.
CARD_FIELDS = ("kind", "slug", "title", "summary", "order", "duration", "dose_band", "ionising_radiation")


def procedures_context(chosen):
    pages = Page.objects.procedures()
    if chosen["kind"]:
        pages = pages.filter(kind=chosen["kind"])
    if chosen["radiation"]:
        pages = pages.filter(ionising_radiation=chosen["radiation"] == "yes")
    return {
        # Only what a card shows: the stored main_html of 50 pages was 1 MB
        # read for nothing, and 3 MB more resident in every worker afterwards.
        "pages": translations.retitle(pages.only(*CARD_FIELDS)),
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
    pages = translations.retitle(pages)
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


def render_main(template, context):
    """The inside of <main>: ``template``'s ``main`` partial. It reads
    nothing of the request: the clinic's details are the one thing from a
    context processor it shows."""
    html = render_to_string(f"{template}#main", {"clinic": ClinicDetails.load(), **context})
    return mark_safe(html)  # noqa: S308 - our own templates, autoescaped; bodies sanitised when saved


# key -> (content version, HTML): one entry per site page, so at most a few dozen.
_kept = {}


def stored_main(key, template, make_context):
    """``render_main``, rendered once per content version in this process."""
    if settings.DEBUG:  # a template edit shows on the next request
        return render_main(template, make_context())
    version = content_version()
    kept = _kept.get(key)
    if kept is not None and kept[0] == version:
        return kept[1]
    html = render_main(template, make_context())
    _kept[key] = (version, html)
    return html


def forget_stored_mains():
    _kept.clear()


def page_template_and_context(page, replace=None, stored=False):
    """What the public page for ``page`` renders: (template, context).
    ``replace``: a draft shown in place of its live row (previews).
    ``stored``: a site page's <main> may come from ``stored_main`` (the
    public pages; never a preview, whose ``page`` may be a draft)."""
    if page.kind != Page.Kind.PAGE:
        return "guide/guide_page.html", {"page": page, "main_html": prerender.main_html(page)}
    template, extra = SITE_PAGES.get(page.slug, ("guide/site_page.html", _nothing_more))
    if stored and replace is None:

        def make_context():
            whole = Page.objects.get(pk=page.pk) if page.get_deferred_fields() else page
            whole = translations.in_language(whole)
            return {"page": whole, **extra(whole, None)}

        # One kept copy per language: its words and its addresses (/pl/...) differ.
        main = stored_main((get_language(), page.slug), template, make_context)
        page = translations.in_language(page)
    else:
        main = render_main(template, {"page": page, **extra(page, replace)})
    return template, {"page": page, "main_html": main}


def procedures_main(page, chosen):
    """The scans and procedures list: the whole list is kept, a filtered
    one rendered. ``page`` may hold only FRAME_FIELDS."""
    template = SITE_PAGES["procedures"][0]
    if any(chosen.values()):
        return render_main(template, {"page": Page.objects.get(pk=page.pk), **procedures_context(chosen)})
    return stored_main(
        (get_language(), page.slug),
        template,
        lambda: {"page": Page.objects.get(pk=page.pk), **procedures_context(chosen)},
    )
