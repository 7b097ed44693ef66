"""A patient who reads Urdu, on a 390 px phone (issue 23): they switch to
Urdu from the English home page, read a procedure page laid out right to
left, send an enquiry in Urdu and see the confirmation in Urdu. No
JavaScript is needed for any of it."""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from radiology_guide.enquiries.models import Enquiry
from radiology_guide.guide.models import Translation
from tests.browser.support import axe_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# Where the words of the page's heading start and end, and where its column is.
HEADING_JS = """() => {
  const heading = document.querySelector('main h1');
  const range = document.createRange();
  range.selectNodeContents(heading);
  const words = range.getBoundingClientRect(), column = heading.getBoundingClientRect();
  return {left: words.left - column.left, right: column.right - words.right,
          direction: getComputedStyle(heading).direction, overflow: document.documentElement.scrollWidth};
}"""


def in_urdu(text):
    with translation.override("ur"):
        return gettext(text)


def test_a_patient_reads_and_writes_to_us_in_urdu_on_a_phone_without_javascript(site, new_context, settings):
    settings.ENQUIRY_MIN_FILL_SECONDS = 0
    urdu = Translation.objects.get(language="ur", of_key="ct-scan").text
    assert in_urdu("Enquiry sent") != "Enquiry sent", "the Urdu catalogue has the confirmation"
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()

    page.goto(site + "/")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="اردو").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ur")
    assert page.url == site + "/ur/"

    page.get_by_role("link", name=urdu["title"], exact=True).first.click()
    assert page.url == site + "/ur/procedures/ct-scan/"
    expect(page.get_by_role("heading", level=1)).to_have_text(urdu["title"])
    laid_out = page.evaluate(HEADING_JS)
    assert laid_out["direction"] == "rtl"
    assert laid_out["right"] < 2 < laid_out["left"], laid_out  # the words start at the right
    assert laid_out["overflow"] <= PHONE["width"], "nothing wider than the phone"
    # The warnings come through in Urdu, with the 999 line and the clinic's number.
    main = page.locator("main")
    expect(main).to_contain_text(urdu["warning_signs"]["call_999"][0])
    expect(main).to_contain_text("999")
    expect(main).to_contain_text("020 7946 0000")
    # The clinic's number reads left to right, its groups in order, inside the right-to-left page.
    phone = page.locator('main a[href^="tel:"]').first
    assert phone.evaluate("a => getComputedStyle(a).direction") == "ltr"

    page.goto(site + "/ur/enquire/?topic=ct-scan")
    page.locator("#id_name").fill("عائشہ خان")
    page.locator("#id_email").fill("ayesha@example.com")
    page.locator("#id_consent").check()
    page.get_by_role("button", name=in_urdu("Send enquiry")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(in_urdu("Enquiry sent"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert "/ur/enquire/sent/" in page.url
    enquiry = Enquiry.objects.get()
    assert (enquiry.name, enquiry.language) == ("عائشہ خان", "ur")


def test_the_urdu_pages_have_no_accessibility_violations_on_a_phone(site, new_context):
    # axe runs in the page, so this one has JavaScript on; the journey above has it off.
    page = new_context(viewport=PHONE).new_page()
    for path in ("/ur/procedures/ct-scan/", "/ur/enquire/", "/ur/procedures/embolisation/"):
        page.goto(site + path)
        assert axe_violations(page) == [], path
