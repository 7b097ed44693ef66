"""Public guide pages. Everything here is read-only and cacheable: the HTML
was rendered when the content was saved. Each page names the content it
shows (``core.cdn.tag``; the keys are in guide/cdn.py), so a CDN can purge
by content."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from radiology_guide.core.cdn import tag
from radiology_guide.core.paths import NOT_FOR_SEARCH_ENGINES
from radiology_guide.guide import cdn, prerender, search
from radiology_guide.guide.models import FAQ, LINK_FIELDS, ComparisonRow, GlossaryTerm, Page

PROCEDURE_FILTERS = {
    "kind": ("Type", {"": "All", "scan": "Scans", "procedure": "Procedures"}),
    "radiation": ("Radiation", {"": "All", "no": "No ionising radiation", "yes": "Uses ionising radiation"}),
}


def _site_page(slug):
    return get_object_or_404(Page, kind=Page.Kind.PAGE, slug=slug)


def _listed(model, replace=None):
    """Every object of ``model``, with ``replace`` (a draft being previewed) in
    place of its live row."""
    objects = list(model.objects.all())
    if replace is not None and isinstance(replace, model):
        objects = [replace if obj.pk == replace.pk else obj for obj in objects]
    return objects


def _procedures_context(chosen):
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
        lambda page, replace: _procedures_context(dict.fromkeys(PROCEDURE_FILTERS, "")),
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


def _show_site_page(request, slug):
    return tag(render(request, *page_template_and_context(_site_page(slug))), cdn.site_page_keys(slug))


@require_safe
def home(request):
    return _show_site_page(request, "home")


# What a guide page's frame (title, description, header, footer) needs; the
# rest of the row (Markdown source, review records) stays in the database.
GUIDE_PAGE_FIELDS = ("kind", "slug", "title", "summary", "main_html")


def _guide_page(request, kinds, slug):
    # By slug alone (unique), then the kind: a simpler query, measurably faster.
    page = get_object_or_404(Page.objects.only(*GUIDE_PAGE_FIELDS), slug=slug)
    if page.kind not in kinds:
        raise Http404
    if settings.DEBUG or not page.main_html:  # to be rendered now: load the whole row
        page.refresh_from_db()
    response = render(request, "guide/guide_page.html", {"page": page, "main_html": prerender.main_html(page)})
    return tag(response, cdn.guide_page_keys(page))


@require_safe
def section(request, slug):
    return _guide_page(request, [Page.Kind.SECTION], slug)


@require_safe
def procedure(request, slug):
    return _guide_page(request, [Page.Kind.SCAN, Page.Kind.PROCEDURE], slug)


@require_safe
def procedure_summary(request, slug):
    """One page to print and keep: how to prepare, when to get help and the
    clinic's number, without the rest of the page (issue 19)."""
    page = get_object_or_404(Page, slug=slug, kind__in=[Page.Kind.SCAN, Page.Kind.PROCEDURE])
    # The clinic's number comes from the context processor, as in the site's footer.
    response = render(request, "guide/procedure_summary.html", {"page": page, **prerender.structured_context(page)})
    return tag(response, [page.slug])


@require_safe
def procedures(request):
    """All scans and procedures, filtered by plain links and a GET form (no JavaScript)."""
    chosen = {name: request.GET.get(name, "") for name in PROCEDURE_FILTERS}
    chosen = {name: value if value in PROCEDURE_FILTERS[name][1] else "" for name, value in chosen.items()}
    context = {"page": _site_page("procedures"), **_procedures_context(chosen)}
    response = render(request, "guide/procedures.html", context)
    return tag(response, cdn.site_page_keys("procedures"))


@require_safe
def compare(request):
    return _show_site_page(request, "compare")


@require_safe
def faqs(request):
    return _show_site_page(request, "faqs")


@require_safe
def glossary(request):
    return _show_site_page(request, "glossary")


@require_safe
def site_page(request, slug):
    return _show_site_page(request, slug)


@require_safe
def visiting(request):
    """Visiting the clinic: a short intro from the content files, then the
    address, transport, parking and access from the clinic's details."""
    return _show_site_page(request, "visiting")


@require_safe
def preview(request, token):
    """A draft, exactly as a patient would see it, for anyone holding a signed
    link (a clinician without an account); the link expires after 7 days."""
    from radiology_guide.guide import preview as previews

    obj = previews.from_token(token)
    if obj is None:
        return previews.expired(request)
    return previews.response(request, obj)


@require_safe
def contact(request):
    return _show_site_page(request, "contact")


@require_safe
def site_map(request):
    """Every page, for people (the XML sitemap is for search engines)."""
    pages = Page.objects.exclude(slug="home").only(*LINK_FIELDS).order_by("order", "title")
    groups = {kind: [p for p in pages if p.kind == kind] for kind in Page.Kind.values}
    return tag(render(request, "guide/site_map.html", {"groups": groups}), ["site-map", cdn.PAGES_KEY])


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {prefix}" for prefix in NOT_FOR_SEARCH_ENGINES)]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


class PageSitemap(Sitemap):
    def items(self):
        return Page.objects.exclude(slug="home").only("kind", "slug", "updated_at").order_by("kind", "order", "slug")

    def lastmod(self, page):
        return page.updated_at


class HomeSitemap(Sitemap):
    priority = 1.0

    def items(self):
        return ["guide:home", "enquiries:form", "guide:site_map"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"home": HomeSitemap, "pages": PageSitemap}


SUGGESTED = ["diagnostic-radiology", "interventional-radiology", "what-to-expect", "radiation-and-safety"]


@require_safe
def search_results(request):
    query = request.GET.get("q", "").strip()[:200]
    # "exact" is the reader's "search for what I typed" after a spelling correction.
    outcome = search.search_with_corrections(query, correct=not request.GET.get("exact")) if query else search.Outcome()
    results = outcome.results
    suggestions = (
        [] if results else list(Page.objects.filter(slug__in=SUGGESTED).only("kind", "slug", "title", "summary"))
    )
    return render(
        request,
        "guide/search.html",
        {
            "query": query,
            "corrected": outcome.corrected,
            "results": results,
            "suggestions": suggestions,
            "other_team": outcome.other_team,
        },
    )
