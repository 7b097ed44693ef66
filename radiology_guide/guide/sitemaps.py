"""The XML sitemap for search engines (``/sitemap.xml``): every public page.
The page cache's warming and the CDN's "purge everything" read the same
list (guide/cdn.py)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from radiology_guide.guide.models import Page


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
