"""Accessibility measured with axe-core: WCAG 2.0, 2.1 and 2.2, A and AA, on
every public page and every state of the enquiry form on a desktop screen;
on a 320 px wide phone and with text at twice its size, every page is
checked for sideways scrolling, and axe runs on every form state and on the
first three pages of each kind (the pages of one kind share one template, and
axe on all of them three times over was half of CI's time). Colour contrast,
which the stylesheet decides and which is most of axe's time, is checked on
those same pages and states; every other rule on every page."""

import pytest
from playwright.sync_api import expect

from tests.browser.support import axe_violations, sitemap_paths

pytestmark = [pytest.mark.browser, pytest.mark.layout]

# Why these three:
# - 320 CSS px is WCAG's reflow width (1.4.10): what a 1280 px window shows at
#   400% zoom, and the narrowest phones.
# - "Text at 200%" (1.4.4) is set the way a reader sets it, as the browser's
#   default font size (Chrome's Settings > Appearance > Font size), through
#   the DevTools protocol's Page.setFontSizes: 32 px instead of 16 px. Sizes
#   in rem and em grow with it, as they would for that reader. Full-page zoom
#   at 200% would instead be the same as a viewport half as wide, which the
#   320 px run already covers more strictly.
CONDITIONS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "320px wide": {"viewport": {"width": 320, "height": 640}},
    "text at 200%": {"viewport": {"width": 1280, "height": 900}, "font_size": 32},
}

# Elements that stick out to the right, so the reader has to scroll sideways.
WIDER_THAN_WINDOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const right = el.getBoundingClientRect().right;
    if (right > width + 1 && el.checkVisibility()) {
      wide.push(`${el.tagName.toLowerCase()}.${el.className} (${Math.round(right)}px)`);
    }
  }
  return document.documentElement.scrollWidth > width ? wide.slice(0, 5) : [];
}"""


def first_of_each_kind(paths, how_many=3):
    """The site's own pages, and the first ``how_many`` under each folder
    (/guide/, /procedures/, ...)."""
    chosen, seen = set(), {}
    for path in paths:
        folder = path.strip("/").split("/")[0] if path.count("/") > 2 else path
        seen[folder] = seen.get(folder, 0) + 1
        if seen[folder] <= how_many:
            chosen.add(path)
    return chosen


# The pages are shared out between several tests, so that the test
# processes run them side by side (one test over every page on a desktop was
# the suite's longest, about 100 s, and the last to finish). Each part takes
# every PARTS-th page of the sitemap; together they check every page.
PARTS = {"desktop": 4, "320px wide": 2, "text at 200%": 2}


def every_page(page, site, part, parts):
    """Show this part's share of the public pages (all but the enquiry form,
    checked below in each of its states) and the 404 page; yield the name of
    each once it is on screen."""
    paths = [path for path in sitemap_paths(page, site) if path != "/enquire/"]
    for path in paths[part::parts]:
        response = page.goto(site + path)
        assert response.status == 200, path
        yield path
    if part == 0:
        response = page.goto(site + "/no-such-page/")
        assert response.status == 404
        yield "the 404 page"


def every_form_state(page, site):
    """Show the states of pages that a reader gets to by doing something;
    yield the name of each once it is on screen."""
    page.goto(site + "/procedures/ct-scan/?print=1")
    yield "a page ready to print"
    page.goto(site + "/search/?q=ultrasond")
    yield "search results with a spelling correction"
    page.goto(site + "/guide/diagnostic-radiology/")
    page.locator("main a.glossary-term").first.click()
    expect(page.locator(".glossary-definition:target")).to_be_visible()
    yield "a glossary definition open in place"
    page.locator("form.feedback").get_by_role("button", name="No").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your feedback")
    yield "the feedback comment form"
    page.goto(site + "/enquire/")
    yield "the empty enquiry form"
    page.get_by_role("button", name="Send enquiry").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    yield "the enquiry form with errors"
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Email address").fill("ada@example.com")
    page.get_by_label("Phone number").fill("07700 900 982")
    page.get_by_label("What is your enquiry about?").select_option("other")
    page.get_by_label("I agree that the clinic can store these details").check()
    page.get_by_label("Phone", exact=True).check()
    yield "the enquiry form filled in, with how to reply chosen"
    page.get_by_role("button", name="Send enquiry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enquiry sent")
    yield "the enquiry sent page"


def open_page(new_context, condition):
    options = CONDITIONS[condition]
    context = new_context(viewport=options["viewport"])
    page = context.new_page()
    if "font_size" in options:
        cdp = context.new_cdp_session(page)
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": options["font_size"], "fixed": options["font_size"]}})
    return page


def check(page, site, condition, states):
    """axe (every rule on a desktop; on the other screens only on the
    representative pages and the form states) and sideways scrolling, on
    each state as it is shown; what was checked."""
    violations, sideways, checked = [], [], []
    representative = first_of_each_kind(sitemap_paths(page, site))
    for state in states:
        checked.append(state)
        typical = not state.startswith("/") or state in representative
        if condition == "desktop" or typical:
            violations += axe_violations(page, contrast=typical)
        if wide := page.evaluate(WIDER_THAN_WINDOW_JS):
            sideways.append(f"{state}: {', '.join(wide)}")

    if "font_size" in CONDITIONS[condition]:
        body_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert body_size >= 32, f"the text did not grow: {body_size}px"
    assert violations == [], f"{len(violations)} axe violations ({condition}):\n" + "\n".join(violations)
    assert sideways == [], f"pages that scroll sideways ({condition}):\n" + "\n".join(sideways)
    return checked


@pytest.mark.parametrize(
    ("condition", "part"), [(condition, part) for condition, parts in PARTS.items() for part in range(parts)]
)
def test_no_page_has_accessibility_violations(site, new_context, condition, part):
    page = open_page(new_context, condition)
    paths = [path for path in sitemap_paths(page, site) if path != "/enquire/"]
    assert {"/procedures/ct-scan/", "/guide/diagnostic-radiology/"} <= set(paths)
    checked = check(page, site, condition, every_page(page, site, part, PARTS[condition]))
    assert set(checked) - {"the 404 page"} == set(paths[part :: PARTS[condition]]) != set()
    assert ("the 404 page" in checked) == (part == 0)


@pytest.mark.parametrize("condition", CONDITIONS)
def test_no_form_state_has_accessibility_violations(site, new_context, settings, condition):
    settings.ENQUIRY_MIN_FILL_SECONDS = 0
    page = open_page(new_context, condition)
    checked = check(page, site, condition, every_form_state(page, site))
    assert "the enquiry sent page" in checked
