"""What patients and editors do on the site, in a real browser, start to finish."""

import re

import pytest
from playwright.sync_api import expect

from radiology_guide.enquiries.models import Enquiry
from radiology_guide.guide.models import FAQ, Page

pytestmark = pytest.mark.browser


def a_section_with_contents():
    """A guide section long enough to have a table of contents."""
    section = next((s for s in Page.objects.sections() if len(s.toc) > 2), None)
    assert section, "no guide section has a table of contents"
    return section


def test_patient_reads_home_page_follows_to_a_section_and_jumps_with_its_contents(site, page):
    section = a_section_with_contents()
    page.goto(site + "/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.get_by_role("region", name="Where to start").get_by_role("link", name=section.title, exact=True).click()
    expect(page).to_have_url(site + section.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(section.title)
    expect(page).to_have_title(re.compile(re.escape(section.title)))

    contents = page.get_by_role("navigation", name="On this page")
    entries = contents.get_by_role("link")
    assert entries.count() >= 3
    # Jump to the first entry whose heading is out of sight, so the jump is seen.
    for index in range(entries.count()):
        entry = entries.nth(index)
        anchor = entry.get_attribute("href")
        heading = page.locator(f"h2{anchor}")
        expect(heading).to_have_text(entry.inner_text())
        if not heading.evaluate("h => h.getBoundingClientRect().top < window.innerHeight"):
            break
    else:
        pytest.fail("every heading in the contents is already on screen; the page is too short to test the jump")
    entry.click()
    expect(page).to_have_url(site + section.get_absolute_url() + anchor)
    expect(heading).to_be_in_viewport()
    assert heading.evaluate("h => h.getBoundingClientRect().top") < 100, (
        "the heading should be at the top of the window"
    )


def test_faq_link_opens_that_answer_for_every_reader(site, new_context):
    faq = FAQ.objects.order_by("-pk")[2]
    # Twice, in two fresh browsers: the second reader may be served the page
    # from the page cache, and the script that opens the answer must still run.
    errors = []
    for _reader in range(2):
        page = new_context().new_page()
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.goto(f"{site}/faqs/#{faq.anchor}")
        answer = page.locator(f"details#{faq.anchor}")
        expect(answer).to_have_js_property("open", True)
        expect(answer.locator(".prose")).to_be_visible()
        expect(answer.locator("summary")).to_be_focused()
        expect(answer).to_be_in_viewport()
        assert page.locator("details[open]").count() == 1, "only the linked answer opens"
        assert errors == []

        # Following another answer's link on the same page opens that one too.
        other = page.locator("details.faq").first
        page.evaluate("anchor => { window.location.hash = anchor }", other.get_attribute("id"))
        expect(other).to_have_js_property("open", True)


def fill_in_enquiry(page, email):
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Email address").fill(email)
    # With only an email address, the form does not ask how to reply.
    page.get_by_label("I agree that the clinic can store these details").check()


def send_enquiry_after_a_mistake(page, site, section):
    """A patient starts from a guide page, sends the form with a mistake,
    corrects it from the error summary and sends it again."""
    page.goto(site + section.get_absolute_url())
    page.get_by_role("link", name="Send an enquiry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send us an enquiry")
    expect(page.get_by_label("What is your enquiry about?")).to_have_value(section.slug)

    fill_in_enquiry(page, email="ada.example.com")
    page.get_by_role("button", name="Send enquiry").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    # Focus moves to the summary, so a screen reader reads it out first.
    expect(summary).to_be_focused()
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    expect(page).to_have_title(re.compile(r"^Error: "))
    # Nothing typed is lost.
    expect(page.get_by_label("Full name")).to_have_value("Ada Lovelace")
    expect(page.get_by_label("What is your enquiry about?")).to_have_value(section.slug)

    summary.get_by_role("link", name=re.compile("email address in the correct format")).click()
    expect(page.get_by_label("Email address")).to_be_focused()
    page.get_by_label("Email address").fill("ada@example.com")
    page.get_by_role("button", name="Send enquiry").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Enquiry sent")
    enquiry = Enquiry.objects.get()
    assert (enquiry.name, enquiry.email, enquiry.topic) == ("Ada Lovelace", "ada@example.com", section.slug)
    expect(page).to_have_url(f"{site}/enquire/sent/{enquiry.reference}/")
    expect(page.locator(".panel")).to_contain_text(enquiry.reference)


def test_patient_fixes_a_mistake_then_sends_an_enquiry(site, page, settings):
    settings.ENQUIRY_MIN_FILL_SECONDS = 0
    send_enquiry_after_a_mistake(page, site, a_section_with_contents())


def test_patient_sends_an_enquiry_with_javascript_off(site, new_context, settings):
    settings.ENQUIRY_MIN_FILL_SECONDS = 0
    page = new_context(java_script_enabled=False).new_page()
    send_enquiry_after_a_mistake(page, site, a_section_with_contents())


def test_editor_changes_a_section_in_admin_and_readers_see_it(site, new_context, django_user_model):
    django_user_model.objects.create_superuser("admin", "admin@example.com", "a-long-test-password")
    section = a_section_with_contents()
    added = "Bring a list of the medicines you take to every appointment."
    reader = new_context().new_page()
    reader.goto(site + section.get_absolute_url())
    expect(reader.get_by_role("heading", level=1)).to_have_text(section.title)
    expect(reader.get_by_text(added)).to_have_count(0)

    admin = new_context().new_page()
    admin.goto(site + "/admin/")
    admin.get_by_label("Username").fill("admin")
    admin.get_by_label("Password").fill("a-long-test-password")
    admin.get_by_role("button", name="Log in").click()
    admin.get_by_role("link", name="Pages", exact=True).click()
    admin.get_by_role("link", name=section.title, exact=True).click()
    body = admin.get_by_label("Body")
    body.fill(body.input_value() + f"\n\n{added}\n")
    admin.get_by_role("button", name="Save and publish").click()
    expect(admin.locator(".messagelist")).to_contain_text("Published: patients now see this version.")

    reader.reload()
    expect(reader.locator(".prose").get_by_text(added)).to_be_visible()
