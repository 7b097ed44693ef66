"""No content, from a file or from admin, can run script on a patient's browser."""

import re

import pytest

from radiology_guide.guide.markdown import GlossaryLinker, render_markdown

HOSTILE = [
    ("<script>alert(1)</script>", "<script"),
    ('<img src="x" onerror="alert(1)">', "onerror"),
    ("[click](javascript:alert(1))", "javascript:"),
    ('<a href="javascript:alert(1)">x</a>', "javascript:"),
    ('<p onclick="alert(1)">hi</p>', "onclick"),
    ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    ("<style>body{display:none}</style>", "<style"),
    ('<svg onload="alert(1)"></svg>', "onload"),
]


@pytest.mark.parametrize(("markdown", "forbidden"), HOSTILE)
def test_hostile_markdown_comes_out_inert(markdown, forbidden):
    html = render_markdown(f"Some text.\n\n{markdown}\n").html
    assert forbidden not in html.lower()


def test_tables_headings_and_links_survive_sanitising():
    rendered = render_markdown("## What is it?\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n[NHS](https://www.nhs.uk/)")
    assert '<h2 id="what-is-it">' in rendered.html
    assert '<th scope="col">A</th>' in rendered.html
    assert '<a href="https://www.nhs.uk/">NHS</a>' in rendered.html
    assert rendered.toc == [{"id": "what-is-it", "title": "What is it?", "level": 2}]


def test_glossary_links_first_mention_only_and_never_inside_headings_or_links():
    linker = GlossaryLinker([("ct", ["CT", "CT scan"]), ("biopsy", ["biopsy", "biopsies"])])
    html = render_markdown("## A CT scan\n\nA CT scan and another CT. [biopsy](/x/) then biopsies.", linker).html
    assert '<h2 id="a-ct-scan">A CT scan</h2>' in html
    assert html.count('href="/glossary/#ct"') == 1
    assert '<a class="glossary-link" href="/glossary/#ct">CT scan</a>' in html
    assert '<a href="/x/">biopsy</a>' in html
    assert '<a class="glossary-link" href="/glossary/#biopsy">biopsies</a>' in html


def test_first_mention_of_a_term_opens_its_definition_in_place_without_javascript():
    linker = GlossaryLinker([("ct", ["CT"], "A scan that uses X-rays <and> a computer."), ("mri", ["MRI"])])
    html = render_markdown("Your CT and a CT again, then an MRI.", linker, id_prefix="faq-1-").html
    assert html.count('popovertarget="faq-1-define-ct"') == 1
    assert (
        '<span class="glossary-popover" id="faq-1-define-ct" popover><strong>CT:</strong> '
        "A scan that uses X-rays &lt;and&gt; a computer. "
        '<a class="glossary-link" href="/glossary/#ct">More about CT in the glossary</a></span>'
    ) in html
    # A term without a definition is a plain link to its entry.
    assert '<a class="glossary-link" href="/glossary/#mri">MRI</a>' in html


def test_every_table_has_a_caption_that_names_its_scrolling_region():
    under_heading = render_markdown("## How big are the doses?\n\n| Test | Dose |\n|---|---|\n| X-ray | Low |").html
    assert (
        '<div class="table-scroll" role="region" tabindex="0" aria-labelledby="table-1-caption"><table>'
        '<caption id="table-1-caption">How big are the doses?</caption>'
    ) in under_heading
    written = render_markdown("Table: Typical doses\n\n| Test | Dose |\n|---|---|\n| X-ray | Low |").html
    assert '<caption id="table-1-caption">Typical doses</caption>' in written and "<p>Table:" not in written


def test_a_dose_table_is_drawn_again_as_a_chart_on_a_readable_time_scale():
    table = (
        "## How big are the doses?\n\n| Test | Typical dose | Same as background radiation for |\n|---|---|---|\n"
        "| Chest X-ray | About 0.02 mSv | About 3 days |\n| CT scan of the head | About 2 mSv | About 1 year |\n"
        "| MRI scan | None | It uses no ionising radiation |"
    )
    html = render_markdown(table).html
    assert html.index("</table>") < html.index('<figure class="dose-chart-figure"><svg')
    chart = html[html.index("<svg") : html.index("</svg>")]
    assert 'aria-hidden="true"' in chart  # the table, kept above it, is what screen readers read
    assert "About 3 days</text>" in chart and "It uses no ionising radiation</text>" in chart
    widths = [float(w) for w in re.findall(r'<rect[^>]*width="([\d.]+)"', chart)]
    assert len(widths) == 2 and 0 < widths[0] < widths[1]  # 3 days is a short bar, 1 year a long one
    assert "1 week" in chart and "10 years" in chart  # a scale marked in words
    assert "<svg" not in render_markdown("| A | B |\n|---|---|\n| 1 | 2 |").html  # other tables: no chart
