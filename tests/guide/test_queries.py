"""Public pages stay lean: a small, fixed number of queries each."""

import pytest

pytestmark = pytest.mark.django_db

# Uncached: the page (or list) and at most one more lookup (neighbours or
# related pages, rows, FAQs or terms). Clinic details come from the cache.
PAGES = [
    "/",
    "/guide/diagnostic-radiology/",
    "/procedures/ct-scan/",
    "/procedures/",
    "/compare/",
    "/faqs/",
    "/glossary/",
]


@pytest.mark.parametrize("path", PAGES)
def test_public_page_needs_at_most_4_queries(client, django_assert_max_num_queries, path):
    client.get(path)  # warm the clinic details cache
    with django_assert_max_num_queries(4):
        assert client.get(path).status_code == 200
