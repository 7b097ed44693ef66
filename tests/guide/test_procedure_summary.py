"""Issue 19 item 8: procedure pages are shorter on a phone and print well.
Per-risk and dose citations are numbered references to "Where this
information comes from"; a one-page summary (preparation, when to get help,
the clinic's number) prints on its own; the print link shows on a phone."""

import re

import pytest

from radiology_guide.core.models import ClinicDetails
from radiology_guide.guide.models import Page

pytestmark = pytest.mark.django_db


@pytest.fixture
def angioplasty():
    return Page.objects.get(slug="angioplasty-and-stenting")


def section(html, css_class):
    start = html.index(f'class="{css_class}')
    return html[start : html.index("</section>", start)]


def test_each_risk_figure_links_to_its_numbered_source_at_the_end_instead_of_citing_it_in_place(client, angioplasty):
    html = client.get(angioplasty.get_absolute_url()).content.decode()
    risks = section(html, "prose structured risks")
    assert "Source:" not in risks and "https://" not in risks
    sources = html[html.index("Where this information comes from") :]
    for risk in angioplasty.risks:
        number = angioplasty.reference_number(risk["source"])
        reference = f'<a class="source-ref" href="#source-{number}">[source {number}]</a>'
        assert f"How often: {risk['how_often']}. {reference}" in risks
        assert re.search(rf'<li id="source-{number}"><a href="{re.escape(risk["source"]["url"])}">', sources)


def test_the_dose_links_to_its_numbered_source_and_each_source_is_listed_once(client, angioplasty):
    html = client.get(angioplasty.get_absolute_url()).content.decode()
    facts = section(html, "facts")
    number = angioplasty.reference_number(angioplasty.dose_source)
    assert f'href="#source-{number}">[source {number}]</a>' in facts
    assert angioplasty.dose_source["url"] not in facts
    sources = html[html.index("Where this information comes from") :]
    urls = re.findall(r'<li id="source-\d+"><a href="([^"]+)"', sources)
    assert len(urls) == len(set(urls)) and angioplasty.dose_source["url"] in urls
    assert all(source["url"] in urls for source in angioplasty.sources)


def test_a_source_named_only_by_a_risk_is_still_listed_at_the_end(client, angioplasty):
    angioplasty.risks[0]["source"] = {"name": "A risk-only leaflet", "url": "https://example.org/leaflets/risk.pdf"}
    angioplasty.save()
    from radiology_guide.guide import prerender

    prerender.prerender_all()
    html = client.get(angioplasty.get_absolute_url()).content.decode()
    number = len(angioplasty.sources) + 1  # after the page's own sources; the dose's is among them
    assert f'<li id="source-{number}"><a href="https://example.org/leaflets/risk.pdf">A risk-only leaflet</a>' in html
    assert f'href="#source-{number}">[source {number}]</a>' in section(html, "prose structured risks")


def test_a_procedure_page_links_to_its_one_page_summary(client, angioplasty):
    html = client.get(angioplasty.get_absolute_url()).content.decode()
    assert f'href="/procedures/{angioplasty.slug}/summary/"' in html


def test_the_summary_has_the_preparation_warning_signs_and_the_clinics_number(client, angioplasty):
    response = client.get(f"/procedures/{angioplasty.slug}/summary/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1 and f"{angioplasty.title}: summary to print" in html
    clinic = ClinicDetails.load()
    assert clinic.phone in html
    for heading in ("How do I prepare?", "Eating and drinking", "Medicines", "When to get help", "Call 999 now if:"):
        assert heading in html, heading
    assert "After sedation" in html  # this procedure may use sedation
    for sign in angioplasty.warning_signs["call_999"]:
        assert sign[:40] in html
    assert "Not yet checked by our radiologists" in html  # as honest as the page itself
    # Not the rest of the page.
    assert "What are the risks?" not in html and 'class="feedback"' not in html


def test_a_guide_section_has_no_summary_page(client):
    assert client.get("/procedures/diagnostic-radiology/summary/").status_code == 404
    assert client.get("/procedures/no-such-page/summary/").status_code == 404


def test_the_print_link_draws_its_icon_instead_of_a_character_phones_lack(client):
    html = client.get("/procedures/ct-scan/").content.decode()
    link = re.search(r'<p class="print-link">(.*?)</p>', html, re.S).group(1)
    assert '<svg aria-hidden="true"' in link and link.endswith("Print this page</a>")
    with open("static/css/site.css", encoding="utf-8") as css:
        stylesheet = css.read()
    # U+2399 (the print screen symbol) is not in the fonts of most phones: it showed an empty box.
    assert "2399" not in stylesheet and "\u2399" not in html
