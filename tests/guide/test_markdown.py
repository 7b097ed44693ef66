"""No content, from a file or from admin, can run script on a patient's browser."""

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
