"""Printing a guide page gives a clean leaflet to take to an appointment."""

import io
import re
import unicodedata

import pytest
from pypdf import PdfReader

from radiology_guide.guide.models import Page

pytestmark = [pytest.mark.browser, pytest.mark.layout]

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
    # The page's own address, to find it again.
    assert squeeze(site + section.get_absolute_url()) in printed
    # Other websites' addresses in full; never a relative one ("(/guide/...)"
    # cannot be followed from paper: issue 19).
    external = [href for href in links if href.startswith("https://")]
    missing = [href for href in external if squeeze(f"({href})") not in printed]
    assert missing == [], f"links printed without their address: {missing}"
    relative = [href for href in links if href.startswith("/") and squeeze(f"({href})") in printed]
    assert relative == [], f"relative addresses printed: {relative}"
    assert "(/" not in printed
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


def test_a_printed_procedure_page_lists_no_relative_address_anywhere(site, page):
    procedure = Page.objects.get(slug="angioplasty-and-stenting")
    page.goto(site + procedure.get_absolute_url())
    page.emulate_media(media="print")
    printed = squeeze("\n".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(page.pdf(format="A4"))).pages))
    # The facts box links to /guide/radiation-and-safety/, the risks to #source-N.
    assert "(/" not in printed and "(#" not in printed
    assert squeeze(f"({procedure.dose_source['url']})") in printed


# The summaries are printed by two tests, which the test processes run side by side.
SUMMARY_PARTS = 2


@pytest.mark.parametrize("part", range(SUMMARY_PARTS))
def test_every_procedure_summary_prints_on_one_a4_page_with_the_clinics_number(site, page, part):
    from radiology_guide.core.models import ClinicDetails

    phone = ClinicDetails.load().phone
    page.goto(site + "/procedures/angioplasty-and-stenting/")
    page.get_by_role("link", name="One-page summary to print").click()
    longer = []
    procedures = list(Page.objects.procedures().order_by("slug"))[part::SUMMARY_PARTS]  # together, every one
    assert procedures
    for procedure in procedures:  # about 1 second each
        page.goto(site + f"/procedures/{procedure.slug}/summary/")
        page.emulate_media(media="print")
        pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
        if len(pdf.pages) > 1:
            longer.append(f"{procedure.slug}: {len(pdf.pages)} pages")
        printed = squeeze(pdf.pages[0].extract_text())
        for text in ("How do I prepare?", "When to get help", "Tell us at your next appointment if:", phone):
            assert squeeze(text) in printed, f"{procedure.slug}: {text}"
        assert squeeze("To print it, use") not in printed  # the on-screen hint
    assert longer == [], f"summaries longer than one page: {longer}"


def test_the_print_link_shows_its_icon_on_a_phone(site, new_context):
    phone = new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    tab = phone.new_page()
    tab.goto(site + "/procedures/ct-scan/")
    link = tab.locator(".print-link a")
    # No generated character (a phone font without it draws an empty box), and a picture that has a size.
    assert link.evaluate("a => getComputedStyle(a, '::before').content") in ("none", "normal")
    box = link.locator("svg").bounding_box()
    assert box and box["width"] >= 16 and box["height"] >= 16
    assert link.inner_text().strip() == "Print this page"


def test_review_sheets_are_printed_to_pdf_by_chromium(transactional_db, content, tmp_path):
    from django.core.management import call_command

    call_command("review_sheets", "--output", str(tmp_path), "--format", "pdf", "--page", "ct-scan", "--page", "faqs")
    for slug in ("ct-scan", "faqs"):
        pdf = PdfReader(tmp_path / f"{slug}.pdf")
        text = squeeze("\n".join(sheet.extract_text() for sheet in pdf.pages))
        assert squeeze(f"Review sheet: {Page.objects.get(slug=slug).title}") in text
        assert Page.objects.get(slug=slug).review_sheet_version() in text
        assert squeeze("Record my approval") not in text  # the admin's form is never on paper
    assert 'href="ct-scan.pdf"' in (tmp_path / "index.html").read_text()


def test_the_summary_and_a_review_sheet_have_no_accessibility_violations(site, page, tmp_path):
    from django.core.management import call_command

    from tests.browser.support import axe_violations

    page.goto(site + "/procedures/angioplasty-and-stenting/summary/")
    violations = axe_violations(page)
    call_command("review_sheets", "--output", str(tmp_path), "--page", "angioplasty-and-stenting")
    page.goto((tmp_path / "angioplasty-and-stenting.html").as_uri())
    violations += axe_violations(page)
    assert violations == [], "\n".join(violations)
