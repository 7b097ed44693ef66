"""The XML sitemap for search engines (``/sitemap.xml``): every public page,
in every language it is written in, with ``hreflang`` alternates (issue 23).
The page cache's warming, the CDN's "purge everything" and the static
mirror read the same list (``public_locations``)."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import translation

from radiology_guide.core.cache import content_version
from radiology_guide.guide.models import Page, Translation

ENGLISH = settings.LANGUAGE_CODE
EVERY_LANGUAGE = [code for code, _name in settings.LANGUAGES]


_kept = {}


def translated_into():
    """{page slug: the languages it is translated into}, read once per
    content version in each process (every page's hreflang links need it)."""
    version = content_version()
    if _kept.get("version") != version or settings.DEBUG:
        found = {}
        for slug, language in Translation.objects.filter(of_model="page").values_list("of_key", "language"):
            found.setdefault(slug, []).append(language)
        _kept.update(version=version, found=found)
    return _kept["found"]


def languages_of(page, translated=None) -> list[str]:
    """The languages a page is written in: a site page (its frame is all
    interface) in every one; a guide page in English and its translations.
    (An untranslated guide page is still there in each language, in
    English with a notice, but not for search engines: it is noindex.)"""
    if page.kind == Page.Kind.PAGE:
        return EVERY_LANGUAGE
    languages = (translated_into() if translated is None else translated).get(page.slug, [])
    return [code for code in EVERY_LANGUAGE if code == ENGLISH or code in languages]


class I18nSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class PageSitemap(I18nSitemap):
    def items(self):
        self._translated = translated_into()
        return Page.objects.exclude(slug="home").only("kind", "slug", "updated_at").order_by("kind", "order", "slug")

    def get_languages_for_item(self, page):
        return languages_of(page, getattr(self, "_translated", None))

    def lastmod(self, page):
        return page.updated_at


class HomeSitemap(I18nSitemap):
    priority = 1.0

    def items(self):
        return ["guide:home", "enquiries:form", "guide:site_map"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"home": HomeSitemap, "pages": PageSitemap}


def public_locations() -> list[str]:
    """Every address in the sitemap, in every language it lists."""
    paths = []
    for sitemap_class in SITEMAPS.values():
        sitemap = sitemap_class()
        items = list(sitemap.items())
        for item in items:
            for language in sitemap.get_languages_for_item(item):
                with translation.override(language):
                    paths.append(sitemap.location(item))
    return paths
