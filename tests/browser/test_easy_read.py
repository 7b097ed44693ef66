"""Easy Read in a real browser (issue 24): reached from its standard page,
every picture drawn beside its idea, large type, passes axe, fits a phone,
and prints in large type with a picture beside each idea."""

import pytest
from playwright.sync_api import expect

from tests.browser.support import axe_violations

pytestmark = pytest.mark.browser

DRAWN_JS = "img => img.complete && img.naturalWidth > 0"
FONT_SIZE_JS = "el => parseFloat(getComputedStyle(el).fontSize)"


@pytest.mark.parametrize("width", [1280, 320])
def test_an_easy_read_page_is_reached_from_its_standard_page_and_passes_axe(site, new_context, width):
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(site + "/procedures/ct-scan/")
    page.get_by_role("link", name="Easy Read version").click()
    expect(page).to_have_url(site + "/easy-read/ct-scan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("CT scan: Easy Read")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Large type on screen: at least 20 px for the words beside each picture.
    text = page.locator(".idea-text p").first
    assert text.evaluate(FONT_SIZE_JS) >= 20
    expect(page.get_by_role("link", name="Standard version of this page")).to_have_attribute(
        "href", "/procedures/ct-scan/"
    )


def test_every_picture_is_drawn_on_the_left_of_its_idea(site, page):
    page.goto(site + "/easy-read/image-guided-drainage/")
    ideas = page.locator(".idea")
    assert ideas.count() >= 10
    for index in range(ideas.count()):
        idea = ideas.nth(index)
        picture, words = idea.locator("img.idea-picture"), idea.locator(".idea-text")
        picture.scroll_into_view_if_needed()  # lazy pictures load once near the screen
        page.wait_for_function(DRAWN_JS, arg=picture.element_handle())
        assert picture.get_attribute("alt")
        assert picture.bounding_box()["x"] + picture.bounding_box()["width"] <= words.bounding_box()["x"]


def test_it_prints_in_large_type_with_a_picture_beside_each_idea(site, page):
    page.goto(site + "/easy-read/mammogram/")
    page.emulate_media(media="print")
    # 16 pt is 21.3 CSS px.
    assert page.locator(".idea-text p").first.evaluate(FONT_SIZE_JS) >= 21
    first = page.locator(".idea").first
    assert first.locator("img").bounding_box()["x"] < first.locator(".idea-text").bounding_box()["x"]
    expect(page.locator(".site-header")).to_be_hidden()
