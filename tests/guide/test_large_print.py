"""Issue 24: a large-print version of every guide and procedure page,
linked from the page, public and cacheable, with the warning signs first.
(That it prints at 16 point or more is measured in a real browser:
tests/browser/test_large_print_and_listen.py.)"""

import re

import pytest

from radiology_guide.guide import cdn
from radiology_guide.guide.models import Page

pytestmark = pytest.mark.django_db

KINDS = [Page.Kind.SECTION, Page.Kind.SCAN, Page.Kind.PROCEDURE]


def large_print_url(page):
    prefix = "guide" if page.kind == Page.Kind.SECTION else "procedures"
    return f"/{prefix}/{page.slug}/large-print/"


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_every_guide_and_procedure_page_links_to_its_large_print_version(client):
    pages = list(Page.objects.filter(kind__in=KINDS))
    assert len(pages) > 20
    for page in pages:
        html = client.get(page.get_absolute_url()).content.decode()
        assert f'<a href="{large_print_url(page)}">Large print version</a>' in html, page.slug
        response = client.get(large_print_url(page))
        assert response.status_code == 200, page.slug
        large = response.content.decode()
        assert large.count("<h1>") == 1 and f"<h1>{page.title}</h1>" in large
        assert f'<link rel="canonical" href="http://testserver{page.get_absolute_url()}">' in large
        assert 'href="/static/css/large-print.css"' in large


def test_a_procedure_gives_the_warning_signs_first_after_the_title_then_everything_else(client):
    page = Page.objects.get(slug="angioplasty-and-stenting")
    html = client.get(large_print_url(page)).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    order = [main.index(marker) for marker in (
        f"<h1>{page.title}</h1>", 'id="when-to-get-help"', page.summary, 'id="how-do-i-prepare"',
        'id="what-are-the-risks"', "Where this information comes from",
    )]  # fmt: skip
    assert order == sorted(order)
    assert main.count('id="when-to-get-help"') == 1  # moved, not repeated
    for sign in page.warning_signs["call_999"]:
        assert text_of(sign)[:40].strip() in text_of(main)
    # Every word of the page's body is there.
    body = text_of(page.body_html)
    assert body[:200] in text_of(main) and body[-200:] in text_of(main)


def test_no_pictures_and_no_table_of_contents_in_large_print(client):
    page = next(
        p
        for p in Page.objects.procedures()
        if 'class="illustration' in client.get(p.get_absolute_url()).content.decode()
    )
    main = client.get(large_print_url(page)).content.decode()
    main = main[main.index("<main") : main.index("</main>")]
    assert "<img" not in main and "<figure" not in main and 'class="toc"' not in main


def test_a_section_in_large_print_has_its_body(client):
    page = Page.objects.sections().first()
    html = client.get(large_print_url(page)).content.decode()
    assert text_of(page.body_html)[:300] in text_of(html)
    assert 'id="when-to-get-help"' not in html


@pytest.mark.parametrize("url", ["/guide/ct-scan/large-print/", "/procedures/diagnostic-radiology/large-print/",
                                 "/guide/no-such-page/large-print/", "/procedures/privacy/large-print/"])  # fmt: skip
def test_a_page_of_the_wrong_kind_or_none_is_not_found(client, url):
    assert client.get(url).status_code == 404


def test_large_print_is_public_cacheable_and_warmed_and_purged_with_its_page(client, warming):
    page = Page.objects.get(slug="ct-scan")
    response = client.get(large_print_url(page))
    assert "no-cache" not in response.get("Cache-Control", "") and "private" not in response.get("Cache-Control", "")
    assert "Set-Cookie" not in response
    assert large_print_url(page) in cdn.public_paths()
    page._live = page  # the title and links unchanged: only its own addresses change
    assert large_print_url(page) in cdn.changed_paths([page])


def test_the_listen_script_is_on_guide_pages_but_no_listen_button_is_in_the_html(client):
    for url in ("/procedures/ct-scan/", "/guide/diagnostic-radiology/", "/procedures/ct-scan/large-print/"):
        html = client.get(url).content.decode()
        assert '<script src="/static/js/listen.js" defer></script>' in html
        assert "<article data-listen>" in html or '<article class="large-print" data-listen>' in html
        assert "Listen to this page" not in html  # made by the script, only where the browser can speak
