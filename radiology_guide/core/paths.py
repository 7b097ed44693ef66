"""One registry of the site's private areas. The page cache, robots.txt and
two-factor sign-in all derive their lists from here, so a new private area is
added once."""

from django.conf import settings


def in_every_language(prefixes):
    """``prefixes`` and the same under each translation's prefix (/pl/enquire/):
    the patient-facing site is served in every language (urls.py)."""
    codes = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    return (*prefixes, *(f"/{code}{prefix}" for code in codes for prefix in prefixes))


#: Where staff work: two-factor sign-in guards these.
STAFF_AREAS = ("/admin/", "/staff/")
#: Pages about one person (a patient's form, their link, a staff account,
#: a reader's "was this page useful?" answer, Notify's delivery receipts): never
#: cached, never indexed.
PERSONAL_AREAS = ("/account/", *in_every_language(("/enquire/", "/e/", "/feedback/", "/notify/")))
#: Drafts shown through a signed link to someone without an account: never
#: cached, never indexed, no sign-in needed.
PREVIEWS = in_every_language(("/preview/",))
#: Never stored by the page cache.
#: (Static files and the image library's files carry their own year-long caching.)
PRIVATE_PREFIXES = (*STAFF_AREAS, *PERSONAL_AREAS, *PREVIEWS, "/healthz", "/readyz", "/static/", "/media/")
#: Asked of search engines to leave alone.
NOT_FOR_SEARCH_ENGINES = (*STAFF_AREAS, *PERSONAL_AREAS, *PREVIEWS)
