"""Searching for a test radiology does not do (a gastroscopy, a colonoscopy)
says plainly that another team does it and points to the closest radiology
pages; and words in an everyday order ("scan of my heart") find the pages
about them, not pages that mention them in passing."""

import re

import pytest

from radiology_guide.guide.search import search, search_with_corrections

pytestmark = pytest.mark.django_db

# What a patient types, and the radiology pages offered instead.
ENDOSCOPY = [
    ("gastroscopy", ["/procedures/barium-swallow-and-meal/"]),
    ("endoscopy", ["/procedures/barium-swallow-and-meal/", "/procedures/ct-colonography/"]),
    ("camera down my throat", ["/procedures/barium-swallow-and-meal/"]),
    ("Will a gastroscopy hurt?", ["/procedures/barium-swallow-and-meal/"]),
    ("colonoscopy", ["/procedures/ct-colonography/"]),
    ("camera up my bottom", ["/procedures/ct-colonography/"]),
]


@pytest.mark.parametrize(("query", "alternatives"), ENDOSCOPY)
def test_an_endoscopy_test_is_named_as_another_teams_with_radiology_alternatives(client, query, alternatives):
    html = client.get("/search/", {"q": query}).content.decode()
    notice = re.search(r'<section class="notice other-team".*?</section>', html, re.S)
    assert notice, f"no notice for {query!r}"
    text = notice.group(0)
    assert "endoscopy" in text.lower() and "not radiology" in text
    for url in alternatives:
        assert f'href="{url}"' in text, url
    assert "Check the spelling" not in html  # it was spelt right


@pytest.mark.parametrize("query", ["barium swallow", "CT colonography", "throat", "camera"])
def test_radiology_searches_have_no_such_notice(client, query):
    assert "other-team" not in client.get("/search/", {"q": query}).content.decode()


def test_gastroscopy_is_not_corrected_into_another_word():
    assert search_with_corrections("gastroscopy").corrected == ""


def test_a_scan_of_my_heart_finds_heart_scans_not_bowel_tests():
    top = [result.url for result in search("scan of my heart")[:3]]
    assert top[0] == "/procedures/nuclear-medicine-and-pet/"
    assert "/procedures/barium-enema/" not in top and "/procedures/ct-colonography/" not in top, top


def test_a_biopsy_of_my_lung_finds_the_lung_biopsy_first():
    assert [result.url for result in search("biopsy of my lung")[:2]] == [
        "/procedures/lung-biopsy/",
        "/procedures/image-guided-biopsy/",
    ]
