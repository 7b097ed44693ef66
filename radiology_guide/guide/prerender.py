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

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from radiology_guide.guide.models import LINK_FIELDS, Page

TEMPLATES = {
    Page.Kind.SECTION: "guide/includes/section_main.html",
    Page.Kind.SCAN: "guide/includes/procedure_main.html",
    Page.Kind.PROCEDURE: "guide/includes/procedure_main.html",
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


def render_main(page, sections=None, by_slug=None):
    """The HTML inside <main> for a guide page, from the database as it is now.
    ``sections`` and ``by_slug`` (every page to link to) save queries when
    many pages are rendered at once."""
    if sections is None:
        sections = list(Page.objects.sections().values_list("slug", "title"))
    previous, following = _neighbours(sections, page.slug)
    related = page.related_pages(by_slug)
    context = {"page": page, "related": related, "previous": previous, "next": following}
    return render_to_string(TEMPLATES[page.kind], context).strip()


def prerender_all():
    """Render every guide page's main_html again; returns how many changed.
    Three queries and one bulk update, however many pages there are."""
    sections = list(Page.objects.sections().values_list("slug", "title"))
    by_slug = {page.slug: page for page in Page.objects.only(*LINK_FIELDS)}
    stale = []
    for page in Page.objects.filter(kind__in=KINDS):
        html = render_main(page, sections, by_slug)
        if html != page.main_html:
            page.main_html = html
            stale.append(page)
    Page.objects.bulk_update(stale, ["main_html"])
    return len(stale)


def main_html(page):
    """What a view shows: the stored HTML, or (before the first render after
    an upgrade has added a page or changed a template) a fresh one. With
    DEBUG on, always a fresh one, so a template edit shows at once."""
    if settings.DEBUG:
        return mark_safe(render_main(page))  # noqa: S308 - our own templates, sanitised bodies
    return mark_safe(page.main_html or render_main(page))  # noqa: S308 - our own templates, sanitised bodies
