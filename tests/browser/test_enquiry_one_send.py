"""A patient who fills in every field of the enquiry form, email and phone
both, reaches the confirmation page on the first send, with or without
JavaScript; the form passes axe; and on a phone the chosen topic can be read
in full."""

import pytest
from playwright.sync_api import expect

from radiology_guide.enquiries.models import Enquiry
from tests.browser.support import axe_violations

pytestmark = pytest.mark.browser

PHONES = {"320px": {"width": 320, "height": 640}, "390px": {"width": 390, "height": 844}}

# The chosen option's text, measured in the select's own font, against the
# room the select leaves for it (its width less padding and the arrow).
TOPIC_ROOM_JS = """() => {
  const select = document.querySelector('#id_topic');
  const style = getComputedStyle(select);
  const context = document.createElement('canvas').getContext('2d');
  context.font = style.font;
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 24;
  return [...select.options].filter(o => o.value)
    .map(o => [o.text, Math.ceil(context.measureText(o.text).width)])
    .filter(([text, width]) => width > room)
    .map(([text, width]) => `${text} (${width}px in ${Math.floor(room)}px)`);
}"""


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript on", "javascript off"])
def test_a_patient_who_fills_in_every_field_reaches_the_confirmation_in_one_send(
    site, new_context, settings, javascript
):
    settings.ENQUIRY_MIN_FILL_SECONDS = 0
    page = new_context(java_script_enabled=javascript).new_page()
    sends = []
    page.on("request", lambda request: sends.append(request.url) if request.method == "POST" else None)
    page.goto(site + "/enquire/")
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Email address").fill("ada@example.com")
    page.get_by_label("Phone number").fill("07700 900 982")
    page.get_by_label("What is your enquiry about?").select_option("mri-scan")
    page.get_by_label("Your message (optional)").fill("Can I bring my hearing aid?")
    page.get_by_label("I agree that the clinic can store these details").check()
    page.get_by_role("button", name="Send enquiry").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Enquiry sent")
    assert sends == [f"{site}/enquire/"], sends
    enquiry = Enquiry.objects.get()
    assert (enquiry.email, enquiry.phone, enquiry.preferred_contact) == ("ada@example.com", "07700 900 982", "email")
    assert enquiry.topic_title == "MRI scan"


def test_a_patient_who_gives_both_can_choose_a_phone_call_on_the_same_page(site, page, settings):
    settings.ENQUIRY_MIN_FILL_SECONDS = 0
    page.goto(site + "/enquire/?topic=ct-scan")
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Email address").fill("ada@example.com")
    page.get_by_label("Phone number").fill("07700 900 982")
    page.get_by_role("group", name="If you give both, how should we contact you? (optional)").get_by_label(
        "Phone"
    ).check()
    page.get_by_label("I agree that the clinic can store these details").check()
    page.get_by_role("button", name="Send enquiry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enquiry sent")
    expect(page.locator("main")).to_contain_text("contact you by phone")


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, *PHONES.values()], ids=["1280px", *PHONES])
def test_the_enquiry_form_has_no_accessibility_violations(site, new_context, viewport):
    page = new_context(viewport=viewport).new_page()
    page.goto(site + "/enquire/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send enquiry").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert axe_violations(page) == []


CUT_OFF_JS = """() => {
  const select = document.querySelector('#id_topic');
  return select.scrollWidth > select.clientWidth || select.getBoundingClientRect().right > innerWidth;
}"""


@pytest.mark.parametrize("viewport", PHONES.values(), ids=PHONES)
def test_every_topic_can_be_read_in_full_once_chosen_on_a_phone(site, new_context, viewport):
    page = new_context(viewport=viewport).new_page()
    page.goto(site + "/enquire/")
    topic = page.get_by_label("What is your enquiry about?")
    cut_off = []
    for value in topic.locator("option").evaluate_all("options => options.map(o => o.value)"):
        topic.select_option(value)
        if page.evaluate(CUT_OFF_JS):
            cut_off.append(value)
    assert cut_off == []
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_without_wrapping_every_topic_fits_a_375px_phone(site, new_context):
    # Browsers that draw a select only on one line (Safari, Firefox) show the
    # topics' short labels in full on any phone from 375 px.
    page = new_context(viewport={"width": 375, "height": 800}, bypass_csp=True).new_page()
    page.goto(site + "/enquire/")
    page.add_style_tag(content=".enquiry-form select { appearance: auto !important; white-space: nowrap !important; }")
    assert page.evaluate(TOPIC_ROOM_JS) == []
