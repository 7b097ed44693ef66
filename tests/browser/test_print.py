"""Printing a guide page gives a clean leaflet to take to an appointment."""

import io
import re
import unicodedata

import pytest
from pypdf import PdfReader

from radiology_guide.guide.models import Page

pytestmark = pytest.mark.browser

# Text a reader sees on screen around the page's own text, and should not get on paper.
SCREEN_ONLY = [
    "Skip to main content",  # skip link
    "Call us:",  # header
    "Scans and procedures",  # main navigation
    "On this page",  # table of contents: its links go nowhere on paper
    "Have a question for us?",  # enquiry invitation
    "Send an enquiry",
    "Related pages",
    "In an emergency",  # footer
    "About this site",
    "Accessibility statement",
]


def squeeze(text):
    """PDF text without ligatures and line breaks, for comparing with page text."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def test_printed_guide_page_has_the_text_and_link_addresses_without_navigation_footer_or_form(site, page):
    section = next(s for s in Page.objects.sections() if s.sources and 'href="/' in s.body_html)
    page.goto(site + section.get_absolute_url())
    on_screen = page.locator("body").inner_text()
    for text in SCREEN_ONLY:
        assert text in on_screen, f"{text!r} is not on the screen, so its absence from paper proves nothing"
    first_paragraph = page.locator(".prose p").first.inner_text()
    links = page.locator('.prose a[href]:not(.glossary-link, [href^="#"]), .page-meta a[href]').evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert any(href.startswith("/") for href in links) and any(href.startswith("https://") for href in links)

    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    text = "\n".join(sheet.extract_text() for sheet in pdf.pages)
    printed = squeeze(text)

    assert squeeze(section.title) in printed
    assert squeeze(first_paragraph) in printed
    assert "Last updated" in text
    # The page's own address, so that the addresses of its links (/guide/...) can be followed from paper.
    assert squeeze(site + section.get_absolute_url()) in printed
    missing = [href for href in links if squeeze(f"({href})") not in printed]
    assert missing == [], f"links printed without their address: {missing}"
    on_paper = [phrase for phrase in SCREEN_ONLY if squeeze(phrase) in printed]
    assert on_paper == [], f"printed but only meant for the screen: {on_paper}"


def test_printed_procedure_page_keeps_preparation_risks_and_when_to_get_help(site, page):
    procedure = next(p for p in Page.objects.procedures() if p.kind == "procedure" and p.sedation_aftercare)
    page.goto(site + procedure.get_absolute_url())
    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    printed = squeeze("\n".join(sheet.extract_text() for sheet in pdf.pages))

    for heading in (
        "How do I prepare?",
        "Eating and drinking",
        "Medicines",
        "What to bring",
        "What are the risks?",
        "After sedation",
        "When to get help",
        "Call 999 now if:",
        "Tell us at your next appointment if:",
    ):
        assert squeeze(heading) in printed, heading  # fmt: skip
    first_sign = procedure.warning_signs["call_999"][0]
    assert squeeze(first_sign.split("[")[0][:50]) in printed
    risk = procedure.risks[0]
    assert squeeze(f"How often: {risk['how_often']}") in printed
    assert squeeze(f"({risk['source']['url']})") in printed  # the source's address, to follow from paper
    assert squeeze("Related pages") not in printed and squeeze("Send an enquiry") not in printed
