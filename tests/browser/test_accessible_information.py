"""Issue 24 in a real browser: a patient's communication needs reach staff
as flags; "Listen to this page" appears only where the browser can speak and
is worked by keyboard; the large-print page prints at 16 point or more on A4.
Headless Chromium has no voices, so the speech is a stub put into the page
before its scripts run (KNOWN.md)."""

import io

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect
from pypdf import PdfReader

from radiology_guide.enquiries.models import Enquiry
from radiology_guide.guide.models import Page
from tests.browser.support import axe_violations

pytestmark = pytest.mark.browser

SIXTEEN_POINT_PX = 16 * 96 / 72  # 21.33 CSS pixels
A4_POINTS = (595, 842)

# A speechSynthesis that records what it is asked to do; each utterance
# "finishes" when the test calls window.__speech.finish().
SPEECH_STUB = """
(() => {
  const log = { spoken: [], calls: [], current: null };
  class Utterance { constructor(text) { this.text = text; this.lang = ""; } }
  const synth = {
    speaking: false, paused: false,
    getVoices: () => [{ name: "Test voice", lang: "en-GB", default: true }],
    speak(u) { log.spoken.push({ text: u.text, lang: u.lang }); log.current = u; this.speaking = true; },
    pause() { log.calls.push("pause"); this.paused = true; },
    resume() { log.calls.push("resume"); this.paused = false; },
    cancel() { log.calls.push("cancel"); this.speaking = false;
               const u = log.current; log.current = null; if (u && u.onerror) u.onerror({ error: "canceled" }); },
    addEventListener() {},
  };
  log.finish = () => { const u = log.current; log.current = null; if (u && u.onend) u.onend({}); };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  window.SpeechSynthesisUtterance = Utterance;
  window.__speech = log;
})();
"""


def sign_in(page, site):
    page.goto(site + "/staff/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("javascript", [False, True], ids=["javascript off", "javascript on"])
def test_an_interpreter_in_polish_and_large_print_are_flagged_in_the_inbox_and_on_the_enquiry(
    site, new_context, settings, django_user_model, staff_groups, javascript
):
    settings.ENQUIRY_MIN_FILL_SECONDS = 0
    settings.REQUIRE_STAFF_MFA = False
    page = new_context(java_script_enabled=javascript).new_page()
    page.goto(site + "/enquire/?topic=ct-scan")
    # Every follow-up question is there to answer, with or without JavaScript.
    expect(page.get_by_label("If you need an interpreter, which language?")).to_be_visible()
    if javascript:  # axe-core runs as a script in the page
        assert axe_violations(page) == []
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Email address").fill("ada@example.com")
    page.get_by_label("An interpreter", exact=True).check()
    page.get_by_label("If you need an interpreter, which language?").select_option(label="Polski")
    page.get_by_label("Large print", exact=True).check()
    page.get_by_label("I agree that the clinic can store these details").check()
    page.get_by_role("button", name="Send enquiry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enquiry sent")
    enquiry = Enquiry.objects.get()
    assert enquiry.need_flags == ["Needs large print", "Needs an interpreter: Polish"]

    user = django_user_model.objects.create_user("sam", password="a-long-test-password")
    user.groups.add(Group.objects.get(name="Clinic staff"))
    staff = new_context(java_script_enabled=javascript).new_page()
    sign_in(staff, site)
    staff.goto(site + "/staff/enquiries/")
    row = staff.locator("tr", has=staff.get_by_role("link", name=enquiry.reference))
    expect(row.locator(".tag-needs")).to_have_text(["Needs large print", "Needs an interpreter: Polish"])
    row.get_by_role("link", name=enquiry.reference).click()
    note = staff.get_by_role("note").filter(has_text="Communication needs")
    expect(note).to_contain_text("Needs an interpreter: Polish")
    expect(note).to_contain_text("Needs large print")
    if javascript:
        assert axe_violations(staff) == []
    # Heard on the phone: they would like a hearing loop too.
    staff.locator(".needs-form").get_by_label("A hearing loop").check()
    staff.get_by_role("button", name="Save the communication needs").click()
    expect(staff.locator(".timeline")).to_contain_text("Added: Needs a hearing loop.")
    expect(note).to_contain_text("Needs a hearing loop")


def test_no_listen_button_without_javascript_or_without_a_voice(site, new_context):
    url = site + Page.objects.get(slug="ct-scan").get_absolute_url()
    for javascript in (False, True):  # headless Chromium has speech but no voice
        page = new_context(java_script_enabled=javascript).new_page()
        page.goto(url)
        page.wait_for_load_state("load")
        expect(page.locator("h1")).to_have_count(1)
        assert page.get_by_role("button", name="Listen to this page").count() == 0
        assert page.locator(".listen").count() == 0


def spoken(page):
    return page.evaluate("window.__speech.spoken")


def calls(page):
    return page.evaluate("window.__speech.calls")


@pytest.mark.parametrize("slug", ["ct-scan", "diagnostic-radiology"])
def test_listen_reads_the_page_in_order_in_its_language_with_pause_resume_and_stop(site, context, slug):
    context.add_init_script(SPEECH_STUB)
    page = context.new_page()
    page.goto(site + Page.objects.get(slug=slug).get_absolute_url())
    listen = page.get_by_role("button", name="Listen to this page")
    expect(listen).to_be_visible()
    assert spoken(page) == []  # never by itself
    assert axe_violations(page) == []

    # By keyboard: Tab to it and press Enter.
    listen.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".listen-status")).to_have_text("Reading")
    assert page.locator(".listen-status").get_attribute("role") == "status"
    pause = page.get_by_role("button", name="Pause")
    expect(pause).to_be_focused()
    for _ in range(3):
        page.evaluate("window.__speech.finish()")
    said = spoken(page)
    assert len(said) == 4 and all(piece["lang"] == "en-GB" for piece in said)
    title = page.locator("h1").inner_text()
    assert said[0]["text"] == title  # the title first, then the page in order
    headings = page.locator("article[data-listen] h2").all_inner_texts()
    page.evaluate("() => { for (let i = 0; i < 400; i++) window.__speech.finish(); }")
    texts = [piece["text"] for piece in spoken(page)]
    positions = [texts.index(heading) for heading in headings if heading in texts]
    assert len(positions) >= 3 and positions == sorted(positions)
    assert "On this page" not in texts  # not the table of contents
    expect(page.locator(".listen-status")).to_have_text("Finished reading")

    listen.click()
    page.get_by_role("button", name="Pause").click()
    expect(page.locator(".listen-status")).to_have_text("Paused")
    assert calls(page)[-1] == "pause"
    page.get_by_role("button", name="Resume").press(" ")
    expect(page.locator(".listen-status")).to_have_text("Reading")
    assert calls(page)[-1] == "resume"
    before = len(spoken(page))
    page.get_by_role("button", name="Stop").click()
    expect(page.locator(".listen-status")).to_have_text("Stopped")
    assert calls(page)[-1] == "cancel" and len(spoken(page)) == before  # nothing more after Stop
    expect(listen).to_be_focused()
    expect(page.get_by_role("button", name="Stop")).to_be_hidden()
    assert axe_violations(page) == []


TEXT_SIZES_JS = """() => {
  const small = [], heights = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, element = node.parentElement;
    if (!node.textContent.trim() || !element.checkVisibility()) continue;
    const style = getComputedStyle(element), size = parseFloat(style.fontSize);
    const what = `${element.tagName}.${element.className} "${node.textContent.trim().slice(0, 40)}"`;
    if (size < %s) small.push(`${what}: ${style.fontSize}`);
    if (['P', 'LI', 'DD'].includes(element.tagName)) heights.push(parseFloat(style.lineHeight) / size);
    if (!['left', 'start'].includes(style.textAlign)) small.push(`${what}: aligned ${style.textAlign}`);
  }
  return { small, lowest: Math.min(...heights) };
}""" % (SIXTEEN_POINT_PX - 0.01)


def test_the_large_print_page_is_reached_from_its_page_passes_axe_and_prints_at_16_point_on_a4(site, page):
    procedure = Page.objects.get(slug="angioplasty-and-stenting")
    page.goto(site + procedure.get_absolute_url())
    page.get_by_role("link", name="Large print version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(procedure.title)
    assert axe_violations(page) == []
    on_screen = page.evaluate(TEXT_SIZES_JS)
    assert on_screen["small"] == [] and on_screen["lowest"] >= 1.5
    # One column: every block of the article starts at the same left edge.
    lefts = page.locator("article.large-print > *").evaluate_all(
        "els => els.filter(e => e.checkVisibility()).map(e => Math.round(e.getBoundingClientRect().left))"
    )
    assert len(set(lefts)) == 1, lefts

    page.emulate_media(media="print")
    printed = page.evaluate(TEXT_SIZES_JS)
    assert printed["small"] == [], printed["small"][:10]
    assert printed["lowest"] >= 1.5
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    width, height = (round(float(side)) for side in pdf.pages[0].mediabox[2:])
    assert (width, height) == A4_POINTS
    first_sheet = pdf.pages[0].extract_text()
    # The warning signs on the first sheet, right after the title.
    assert "When to get help" in first_sheet and "Call 999 now if:" in first_sheet
    later = [first_sheet.index(h) for h in ("How do I prepare?", "What are the risks?") if h in first_sheet]
    assert all(first_sheet.index("When to get help") < position for position in later)
    sizes = []

    def visit(text, cm, tm, font, size):
        scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
        if text.strip():
            sizes.append(round(size * scale, 1))

    for sheet in pdf.pages:
        sheet.extract_text(visitor_text=visit)
    # Chromium writes PDF text in points (1 CSS px = 0.75 pt).
    assert sizes and min(sizes) >= 16 * 0.99, sorted(set(sizes))[:5]
