"""What follows a publish outside the request: every public page built into
the shared cache again, and the CDN told what changed.

``guide.publishing.retire_cached_pages`` calls ``after_publish`` for every
change that reaches patients (admin, sync, scheduled publishing, restoring
a revision, pictures); the clinic's details call it from guide/signals.py.
Once the change is committed, the Tasks worker warms every public page
(``core.warming``), then, if ``CDN_PURGE_URL`` is set, sends the CDN the
addresses whose HTML changed (``core.cdn``), warming first so that the CDN's
next fetch of each page is a cache hit here.

Also the content keys each public page names (``Surrogate-Key``,
``Cache-Tag``): its slug, the lists it shows, and ``site`` (added by the page
cache to every stored page).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from radiology_guide.core import cdn as core_cdn
from radiology_guide.core import warming
from radiology_guide.core.pagecache import UNCACHED_PREFIXES
from radiology_guide.guide import content_types
from radiology_guide.guide.models import LINK_FIELDS, Page
from radiology_guide.guide.sitemaps import public_locations

logger = logging.getLogger("radiology_guide.cdn")

#: The content key of anything that lists or links to other pages by title
#: (the home page, the list of scans and procedures, the site map, the
#: previous/next and related links on a guide page).
PAGES_KEY = "pages"
#: Glossary terms are linked from every guide page's words and FAQ answers.
GLOSSARY_KEY = "glossary"
#: Site pages that list pages (guide/views.py SITE_PAGES), beside their slug.
LISTING_SLUGS = frozenset({"home", "procedures"})


def site_page_keys(slug):
    """A site page: its slug (for "faqs", "glossary" and "compare" this also
    names their FAQs, terms and rows: content_types.public_slug)."""
    return [slug, PAGES_KEY] if slug in LISTING_SLUGS else [slug]


def guide_page_keys(page):
    return [page.slug, PAGES_KEY, GLOSSARY_KEY]


# ---------------------------------------------------------------------------
# The public pages, and what a change touches


def _sitemap_paths():
    return public_locations()


def _summary_path(page):
    return reverse("guide:procedure_summary", args=[page.slug])


def public_paths():
    """Every public page the page cache keeps: each address in the sitemap,
    the printable summaries, the large-print pages, the sitemap itself and
    robots.txt."""
    summaries = Page.objects.procedures().only("slug").order_by("slug")
    large_print = Page.objects.filter(kind__in=[Page.Kind.SECTION, Page.Kind.SCAN, Page.Kind.PROCEDURE])
    paths = [*_sitemap_paths(), *(_summary_path(page) for page in summaries)]
    paths += [page.get_large_print_url() for page in large_print.only("slug", "kind").order_by("slug")]
    paths += [reverse("sitemap"), reverse("robots")]
    return [path for path in dict.fromkeys(paths) if not path.startswith(UNCACHED_PREFIXES)]


def _links_changed(page):
    # What other pages show of this one (guide/publishing.py renders every
    # page again when these change): unknown counts as changed.
    live = getattr(page, "_live", None)
    return live is None or any(getattr(live, name) != getattr(page, name) for name in (*LINK_FIELDS, "order"))


def changed_paths(saved=(), deleted=()):
    """The addresses whose HTML ``saved`` and ``deleted`` objects change, or
    None when that may be any page: a deletion, a glossary term (linked from
    everywhere), or a page that other pages name differently now."""
    if deleted:
        return None
    try:
        return _changed_paths(saved)
    except NoReverseMatch:  # a page with no address of its own: let the CDN drop everything
        return None


def _changed_paths(saved):
    paths = set()
    for obj in saved:
        content_type = content_types.of(obj)
        if content_type.relinks_everything:
            return None
        if not isinstance(obj, Page):
            paths.add(reverse(f"guide:{content_type.public_slug(obj)}"))
            continue
        if _links_changed(obj):
            return None
        paths.add(obj.get_absolute_url())
        if obj.kind in (Page.Kind.SCAN, Page.Kind.PROCEDURE):
            paths.add(_summary_path(obj))
        if obj.kind in (Page.Kind.SECTION, Page.Kind.SCAN, Page.Kind.PROCEDURE):
            paths.add(obj.get_large_print_url())
    paths.add(reverse("sitemap"))  # each page's last change is in it
    return sorted(paths)


def after_publish(paths=None):
    """Once the current transaction commits: warm every public page, then
    purge ``paths`` (None: everything) from the CDN, if there is one."""
    transaction.on_commit(lambda: enqueue_after_publish(paths))


# ---------------------------------------------------------------------------
# The tasks (run by the Tasks worker)
# Seconds before a failed CDN purge is tried again; then it gives up with a
# log line: the CDN's copies still expire within PAGE_CACHE_SECONDS.
PURGE_RETRY_DELAYS = (30, 120, 600)


def enqueue_after_publish(paths=None):
    """Warm every public page, then purge ``paths`` (None: everything) from
    the CDN. Two tasks, in this order, so a purge that is retried never
    holds up the warming."""
    if settings.PAGE_CACHE_WARMING:
        warm_public_pages.enqueue()
    if core_cdn.is_configured():
        purge_cdn.enqueue(None if paths is None else list(paths))


@task
def warm_public_pages():
    """Build every public page into the shared cache (core/warming.py)."""
    return warming.warm(public_paths())


@task
def purge_cdn(paths: list[str] | None, attempt: int = 1):
    """Ask the CDN to drop ``paths`` (None: everything), trying again later
    if it fails. Returns whether it was accepted."""
    urls = None if paths is None else core_cdn.full_urls(paths)
    try:
        core_cdn.purge(urls)
    except core_cdn.PurgeFailed as failure:
        what = "everything" if urls is None else f"urls={len(urls)}"
        if attempt > len(PURGE_RETRY_DELAYS):
            logger.error("cdn purge gave up attempts=%s %s %s", attempt, what, failure)
            return False
        logger.warning("cdn purge failed attempt=%s %s %s", attempt, what, failure)
        retry = purge_cdn
        if retry.get_backend().supports_defer:
            retry = retry.using(run_after=timezone.now() + timedelta(seconds=PURGE_RETRY_DELAYS[attempt - 1]))
        # Django's immediate backend (tests) cannot wait: it tries again at once.
        retry.enqueue(paths, attempt + 1)
        return False
    return True
