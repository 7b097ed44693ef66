"""Public guide pages. Everything here is read-only and cacheable: the HTML
was rendered when the content was saved. Each page names the content it
shows (``core.cdn.tag``; the keys are in guide/cdn.py), so a CDN can purge
by content."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from radiology_guide.core.cdn import tag
from radiology_guide.core.paths import NOT_FOR_SEARCH_ENGINES
from radiology_guide.guide import cdn, pages, prerender, search, translations
from radiology_guide.guide.easy_read import slug_for as easy_read_slug
from radiology_guide.guide.models import LINK_FIELDS, Page


def _show_site_page(request, slug):
    template, context = pages.page_template_and_context(pages.site_page(slug, frame_only=True), stored=True)
    return tag(render(request, template, context), cdn.site_page_keys(slug))


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
    main = prerender.main_html(page)
    if not translations.is_english():  # issue 23: the translation, or the English with a notice
        shown = translations.in_language(page)
        if shown.translation is not None and shown.translation.main_html:
            page, main = shown, mark_safe(shown.translation.main_html)  # noqa: S308 - rendered from our templates
        else:
            page.translation_withdrawn = shown.translation is not None  # out of date, less safe than the English
            page.translation = None
            main = mark_safe(translations.english_main(main, get_language()))  # noqa: S308 - as above
    # In English on a page in another language: there for the reader, not for search engines.
    noindex = getattr(page, "translation", "") is None
    response = render(request, "guide/guide_page.html", {"page": page, "main_html": main, "noindex": noindex})
    return tag(response, cdn.guide_page_keys(page))


@require_safe
def section(request, slug):
    return _guide_page(request, [Page.Kind.SECTION], slug)


@require_safe
def procedure(request, slug):
    return _guide_page(request, [Page.Kind.SCAN, Page.Kind.PROCEDURE], slug)


@require_safe
def easy_read(request, slug):
    """A scan or procedure in Easy Read, at the standard page's slug (issue 24)."""
    return _guide_page(request, [Page.Kind.EASY_READ], easy_read_slug(slug))


@require_safe
def procedure_summary(request, slug):
    """One page to print and keep: how to prepare, when to get help and the
    clinic's number, without the rest of the page (issue 19)."""
    fields = (*pages.FRAME_FIELDS, "summary_html")
    page = get_object_or_404(Page.objects.only(*fields), slug=slug, kind__in=[Page.Kind.SCAN, Page.Kind.PROCEDURE])
    if settings.DEBUG or not page.summary_html:  # to be rendered now: the whole row
        page = Page.objects.get(pk=page.pk)
    template, main = "guide/procedure_summary.html", prerender.summary_html(page)
    if not translations.is_english():  # in English only: marked so, with the notice in the reader's language
        page.translation, main = None, mark_safe(translations.english_main(main, get_language()))  # noqa: S308
    return tag(render(request, template, {"page": page, "main_html": main}), [page.slug])


def _large_print(request, kinds, slug):
    """The page in large print (RNIB's clear print guidance; issue 24): the
    same words, at 16 point or more, in one column, with the warning signs
    first after the title. Rendered here rather than stored: the page cache
    keeps it like any other public page."""
    page = get_object_or_404(Page, slug=slug, kind__in=kinds)
    context = {"page": page, **prerender.large_print_context(page)}
    if not translations.is_english():  # in English only: marked so, with the notice in the reader's language
        page.translation, context["english_inside"] = None, True
    response = render(request, "guide/large_print.html", context)
    return tag(response, cdn.guide_page_keys(page))


@require_safe
def section_large_print(request, slug):
    return _large_print(request, [Page.Kind.SECTION], slug)


@require_safe
def procedure_large_print(request, slug):
    return _large_print(request, [Page.Kind.SCAN, Page.Kind.PROCEDURE], slug)


@require_safe
def procedures(request):
    """All scans and procedures, filtered by plain links and a GET form (no JavaScript)."""
    chosen = {name: request.GET.get(name, "") for name in pages.PROCEDURE_FILTERS}
    chosen = {name: value if value in pages.PROCEDURE_FILTERS[name][1] else "" for name, value in chosen.items()}
    page = pages.site_page("procedures", frame_only=True)
    context = {"page": page, "main_html": pages.procedures_main(page, chosen)}
    return tag(render(request, "guide/procedures.html", context), cdn.site_page_keys("procedures"))


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
def contact(request):
    return _show_site_page(request, "contact")


@require_safe
def site_map(request):
    """Every page, for people (the XML sitemap is for search engines)."""
    template = "guide/site_map.html"
    main = pages.stored_main((get_language(), "site-map"), template, _site_map_context)
    return tag(render(request, template, {"main_html": main}), ["site-map", cdn.PAGES_KEY])


def _site_map_context():
    listed = Page.objects.exclude(slug="home").only(*LINK_FIELDS).order_by("order", "title")
    return {"groups": {kind: [p for p in listed if p.kind == kind] for kind in Page.Kind.values}}


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {prefix}" for prefix in NOT_FOR_SEARCH_ENGINES)]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


SUGGESTED = ["diagnostic-radiology", "interventional-radiology", "what-to-expect", "radiation-and-safety"]


@require_safe
def search_results(request):
    query = request.GET.get("q", "").strip()[:200]
    # "exact" is the reader's "search for what I typed" after a spelling correction.
    correct = not request.GET.get("exact")
    outcome = (
        search.search_with_corrections(query, correct=correct, language=get_language()) if query else search.Outcome()
    )
    results = outcome.results
    suggestions = (
        []
        if results
        else translations.retitle(Page.objects.filter(slug__in=SUGGESTED).only("kind", "slug", "title", "summary"))
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
