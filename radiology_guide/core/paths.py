"""One registry of the site's private areas. The page cache, robots.txt and
two-factor sign-in all derive their lists from here, so a new private area is
added once."""

#: Where staff work: two-factor sign-in guards these.
STAFF_AREAS = ("/admin/", "/staff/")
#: Pages about one person (a patient's form, their link, a staff account,
#: a reader's "was this page useful?" answer): never cached, never indexed.
PERSONAL_AREAS = ("/enquire/", "/e/", "/account/", "/feedback/")
#: Never stored by the page cache.
PRIVATE_PREFIXES = (*STAFF_AREAS, *PERSONAL_AREAS, "/healthz", "/readyz", "/static/")
#: Asked of search engines to leave alone.
NOT_FOR_SEARCH_ENGINES = (*STAFF_AREAS, *PERSONAL_AREAS)
