"""Illustrations in a real browser: every picture loads and is drawn, is
named by its text alternative, and pages with pictures pass axe."""

import pytest
from playwright.sync_api import expect

from radiology_guide.guide import figures
from radiology_guide.guide.models import Page
from tests.browser.support import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.layout]

# True once the image has loaded and the browser could decode it.
DRAWN_JS = "img => img.complete && img.naturalWidth > 0"


def test_every_picture_loads_with_its_text_alternative(site, page):
    existing = set(Page.objects.values_list("slug", flat=True))
    # Pictures whose pages the content team has not added yet show nowhere.
    shown = [figure for figure in figures.FIGURES if existing.intersection(figure.pages)]
    assert len(shown) >= 10
    checked = set()
    for figure in shown:
        # One page per picture: the first of its pages that exists.
        slug = next(slug for slug in figure.pages if slug in existing)
        page.goto(site + Page.objects.get(slug=slug).get_absolute_url())
        image = page.get_by_role("img", name=figure.alt, exact=True)
        expect(image).to_have_count(1)
        image.scroll_into_view_if_needed()  # lazy pictures load once near the screen
        page.wait_for_function(DRAWN_JS, arg=image.element_handle())
        box = image.bounding_box()
        width, height = figure.size
        assert box["width"] > 200, figure.slug
        # Drawn at the file's shape: no stretching, and no jump when it loads.
        assert abs(box["height"] / box["width"] - height / width) < 0.02, figure.slug
        checked.add(figure.slug)
    assert checked == {figure.slug for figure in shown}


@pytest.mark.parametrize("width", [1280, 320])
def test_a_page_with_pictures_passes_axe_and_fits_the_screen(site, new_context, width):
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(site + "/guide/what-to-expect/")
    expect(page.locator("figure.illustration")).to_have_count(2)
    expect(page.locator("figure.illustration ol li")).to_have_count(6)
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
