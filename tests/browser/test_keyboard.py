"""Keyboard only: every link and control is reached with Tab, in order, and
the reader can always see where the focus is."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.layout]

# Every element Tab should stop at, in DOM order, each tagged with its
# position. A group of radio buttons is one stop (its checked button, or the
# first); hidden elements and tabindex="-1" are not stops.
TAB_STOPS_JS = """() => {
  const stops = [];
  const groups = new Set();
  const candidates = document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]');
  for (const el of candidates) {
    if (el.tabIndex < 0 || el.disabled || el.type === 'hidden') continue;
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    if (el.tagName === 'SUMMARY' && el.parentElement.firstElementChild !== el) continue;
    if (el.type === 'radio') {
      if (groups.has(el.name)) continue;
      groups.add(el.name);
      const checked = el.form && el.form.querySelector(`input[type=radio][name="${el.name}"]:checked`);
      if (checked) { stops.push(checked); continue; }
    }
    stops.push(el);
  }
  return stops.map((el, index) => {
    el.dataset.tabStop = index;
    return `${index}: <${el.tagName.toLowerCase()}> ${(el.innerText || el.value || el.name || '').trim().slice(0, 50)}`;
  });
}"""

# What tells a reader where the focus is.
FOCUS_STYLE_JS = """el => {
  const style = getComputedStyle(el);
  const shown = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
    && style.outlineColor !== 'rgba(0, 0, 0, 0)';
  const outline = shown ? `${style.outlineWidth} ${style.outlineStyle} ${style.outlineColor}` : 'none';
  return {outline, boxShadow: style.boxShadow, background: style.backgroundColor};
}"""


def active_stop(page):
    return page.evaluate(
        "() => { const el = document.activeElement;"
        " return el && el.dataset.tabStop !== undefined ? Number(el.dataset.tabStop) : el && el.tagName; }"
    )


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_main_content(site, page):
    page.goto(site + "/guide/diagnostic-radiology/")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).not_to_be_in_viewport()

    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()  # it appears when it has the focus

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)"), (
        "after skipping, Tab should go to the first link in the main content, not back to the header"
    )


@pytest.mark.parametrize("path", ["/", "/enquire/", "/faqs/"])
def test_tab_reaches_every_link_and_control_in_order_and_shows_where_the_focus_is(site, page, path):
    page.goto(site + path)
    expected = page.evaluate(TAB_STOPS_JS)
    assert len(expected) > 10
    unfocused = [page.locator(f"[data-tab-stop='{index}']").evaluate(FOCUS_STYLE_JS) for index in range(len(expected))]

    reached, invisible = [], []
    for _ in expected:
        page.keyboard.press("Tab")
        stop = active_stop(page)
        reached.append(stop)
        if isinstance(stop, int):
            focused = page.evaluate(f"({FOCUS_STYLE_JS})(document.activeElement)")
            if focused == unfocused[stop]:
                invisible.append(f"{expected[stop]} looks the same with and without focus: {focused}")

    described = [expected[stop] if isinstance(stop, int) else f"<{stop.lower()}>" for stop in reached]
    assert described == expected, "Tab did not visit every link and control in page order"
    assert invisible == [], "focus is not visible on:\n" + "\n".join(invisible)


@pytest.mark.parametrize("key", ["Enter", "Space"])
def test_faq_answer_opens_and_closes_from_the_keyboard(site, page, key):
    page.goto(site + "/faqs/")
    answer = page.locator("details.faq").first
    question = answer.locator("summary")
    expect(answer.locator(".prose")).to_be_hidden()

    question.focus()
    page.keyboard.press(key)
    expect(answer).to_have_js_property("open", True)
    expect(answer.locator(".prose")).to_be_visible()
    expect(question).to_be_focused()

    page.keyboard.press(key)
    expect(answer).to_have_js_property("open", False)
    expect(answer.locator(".prose")).to_be_hidden()
