"""An anxious patient on a phone: finds their scan from the home page, opens
the menu and a glossary word without JavaScript, and tells us a page did not
help; an editor then sees that in admin."""

import pytest
from playwright.sync_api import expect

from radiology_guide.feedback.models import PageFeedback

pytestmark = [pytest.mark.browser, pytest.mark.layout]

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}


def in_first_screen(locator, height=844):
    box = locator.bounding_box()
    return box is not None and box["y"] + min(box["height"], 40) <= height


def test_a_patient_finds_their_scan_from_the_home_page_in_two_taps_on_a_phone(site, new_context):
    page = new_context(**PHONE).new_page()
    page.goto(site + "/")
    sent_for = page.get_by_role("region", name="I have been sent for a scan or treatment")
    link = sent_for.get_by_role("link", name="MRI scan", exact=True)
    link.scroll_into_view_if_needed()
    link.tap()  # first tap: straight to the page, no menu, no index in between
    expect(page).to_have_url(site + "/procedures/mri-scan/")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("MRI scan")
    assert in_first_screen(heading), "the page's heading must be in the first screen"


def test_each_page_heading_and_the_first_procedure_card_are_in_the_first_screen_of_a_phone(site, new_context):
    page = new_context(**PHONE).new_page()
    for path in ["/", "/procedures/ct-scan/", "/guide/what-to-expect/", "/glossary/", "/faqs/", "/contact/"]:
        page.goto(site + path)
        assert in_first_screen(page.get_by_role("heading", level=1)), path
    page.goto(site + "/procedures/")
    assert in_first_screen(page.locator(".card-list .card").first), "the first card is below the first screen"
    # The filters are one tap away.
    page.get_by_text("Show only scans, treatments or no radiation").tap()
    expect(page.get_by_role("group", name="Type")).to_be_visible()


def test_the_menu_opens_and_marks_where_you_are_without_javascript(site, new_context):
    page = new_context(java_script_enabled=False, **PHONE).new_page()
    page.goto(site + "/procedures/ct-scan/")
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Glossary")).to_be_hidden()
    page.get_by_text("Menu", exact=True).tap()
    expect(menu.get_by_role("link", name="Scans and procedures")).to_have_attribute("aria-current", "true")
    menu.get_by_role("link", name="Glossary").tap()
    expect(page).to_have_url(site + "/glossary/")
    page.get_by_text("Menu", exact=True).tap()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Glossary")).to_have_attribute(
        "aria-current", "page"
    )
    breadcrumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumbs.get_by_role("link", name="Home")).to_be_visible()
    # A long page: back to the top in one tap.
    page.get_by_role("link", name="Back to top").tap()
    expect(page.get_by_role("link", name="Call us")).to_be_in_viewport()


def test_the_menu_is_open_on_a_wide_screen(site, new_context):
    page = new_context().new_page()
    page.goto(site + "/faqs/")
    expect(page.get_by_text("Menu", exact=True)).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Compare")).to_be_visible()


def test_a_glossary_word_opens_its_meaning_in_place_without_javascript(site, new_context):
    page = new_context(java_script_enabled=False, **PHONE).new_page()
    page.goto(site + "/guide/diagnostic-radiology/")
    word = page.locator("main a.glossary-term").first
    word.scroll_into_view_if_needed()
    definition = page.locator(".glossary-definition").first
    expect(definition).to_be_hidden()
    word.tap()
    expect(definition).to_be_visible()
    entry = "/glossary/#" + definition.get_attribute("id").removeprefix("define-")
    expect(definition.get_by_role("link", name="in the glossary")).to_have_attribute("href", entry)
    assert in_first_screen(definition), "the meaning opens where the reader is"
    assert page.url.startswith(site + "/guide/diagnostic-radiology/#")  # still on the page being read
    definition.get_by_role("link", name="Close").tap()
    expect(definition).to_be_hidden()
    expect(word).to_be_focused()
    word.tap()
    definition.get_by_role("link", name="in the glossary").tap()
    expect(page).to_have_url(site + entry)


def test_a_reader_says_a_page_did_not_help_and_an_editor_sees_it_in_admin(
    site, new_context, django_user_model, settings
):
    settings.REQUIRE_STAFF_MFA = False
    reader = new_context(java_script_enabled=False, **PHONE).new_page()
    reader.goto(site + "/procedures/tips/")
    question = reader.get_by_role("group", name="Was this page useful?")
    question.get_by_role("button", name="No").tap()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Thank you for your feedback")
    expect(
        reader.get_by_text("Do not include your name, contact details or anything about your health.")
    ).to_be_visible()
    reader.get_by_label("How could we make this page better? (optional)").fill("I could not tell how long I stay in.")
    reader.get_by_role("button", name="Send comment").tap()
    expect(reader.get_by_text("We read every comment")).to_be_visible()
    assert reader.context.cookies() == [], "no cookie is set for a reader"
    assert PageFeedback.objects.get().comment == "I could not tell how long I stay in."

    django_user_model.objects.create_superuser("editor", "editor@example.com", "a-long-test-password")
    admin = new_context().new_page()
    admin.goto(site + "/admin/feedback/pagefeedback/")
    admin.get_by_label("Username").fill("editor")
    admin.get_by_label("Password").fill("a-long-test-password")
    admin.get_by_role("button", name="Log in").click()
    table = admin.locator("#feedback-per-page")
    row = table.get_by_role("row").filter(has_text="/procedures/tips/")
    expect(row.get_by_role("cell")).to_have_text(["1", "0", "1", "1"])
    expect(admin.get_by_text("I could not tell how long I stay in.")).to_be_visible()
