"""A patient who has just been sent for a scan finds it from the home page,
always knows where they are (breadcrumbs, the menu), and can find the clinic's
hours, parking and every page (contact page, site map)."""

import re

import pytest

from radiology_guide.guide.models import Page

pytestmark = pytest.mark.django_db


def test_home_page_leads_with_the_scan_or_treatment_the_patient_was_sent_for(client):
    html = client.get("/").content.decode()
    order = [
        html.index("I have been sent for a scan or treatment"),
        html.index("What happens on the day"),
        html.index("Getting your results"),
        html.index(">Contact us<", html.index("<main")),
        html.index("Two kinds of radiology"),
    ]
    assert order == sorted(order), "the reader's situation comes before the explanation"
    for scan in Page.objects.procedures():
        assert f'<a href="{scan.get_absolute_url()}">{scan.title}</a>' in html
    assert 'href="/guide/what-to-expect/"' in html and 'href="/faqs/#results"' in html and 'href="/contact/"' in html


def test_every_page_below_home_has_breadcrumbs_back_home(client):
    for path, trail in [
        ("/procedures/ct-scan/", ["Home", "Scans and procedures", "CT scan"]),
        ("/guide/what-to-expect/", ["Home", Page.objects.get(slug="what-to-expect").title]),
        ("/glossary/", ["Home", Page.objects.get(slug="glossary").title]),
        ("/search/?q=mri", ["Home", "Search"]),
        ("/enquire/", ["Home", "Contact us", "Send us an enquiry"]),
        ("/site-map/", ["Home", "Site map"]),
    ]:
        html = client.get(path).content.decode()
        nav = re.search(r'<nav class="breadcrumbs" aria-label="Breadcrumb">(.*?)</nav>', html, re.S)
        assert nav, path
        assert [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li[^>]*>(.*?)</li>", nav.group(1))] == trail
        assert f'<li aria-current="page">{trail[-1]}</li>' in nav.group(1)
    assert 'aria-label="Breadcrumb"' not in client.get("/").content.decode()


def test_the_menu_marks_the_section_the_reader_is_in(client):
    diagnostic = client.get("/guide/diagnostic-radiology/").content.decode()
    assert 'href="/guide/diagnostic-radiology/" aria-current="page">Diagnostic<' in diagnostic
    assert 'href="/guide/interventional-radiology/" aria-current' not in diagnostic
    ct = client.get("/procedures/ct-scan/").content.decode()
    assert '<a href="/procedures/" aria-current="true">Scans and procedures</a>' in ct
    contact = client.get("/contact/").content.decode()
    assert 'href="/contact/" aria-current="page">Contact us<' in contact


def test_the_menu_opens_without_javascript(client):
    html = client.get("/faqs/").content.decode()
    menu = html[html.index('<details class="menu">') : html.index("</details>", html.index('<details class="menu">'))]
    assert '<summary class="menu-button">Menu</summary>' in menu and 'aria-label="Main"' in menu
    assert "<script" not in html[: html.index("<main")]


def test_long_pages_have_a_back_to_top_link(client):
    for path in ["/", "/glossary/", "/faqs/", "/guide/what-to-expect/", "/procedures/"]:
        html = client.get(path).content.decode()
        assert '<a href="#top">Back to top</a>' in html and '<header class="site-header" id="top">' in html


def test_procedure_filters_are_a_collapsed_disclosure_until_the_reader_filters(client):
    assert '<details class="filters-box">' in client.get("/procedures/").content.decode()
    assert '<details class="filters-box" open>' in client.get("/procedures/?kind=scan").content.decode()


def test_contact_page_gives_phone_hours_and_address_from_the_clinic_details(client):
    from radiology_guide.core.models import ClinicDetails

    clinic = ClinicDetails.load()
    html = client.get("/contact/").content.decode()
    assert clinic.phone in html and clinic.opening_hours.splitlines()[0] in html
    assert "parking" in html.lower() and 'href="/enquire/"' in html


def test_site_map_for_people_lists_every_page_and_is_in_the_footer(client):
    html = client.get("/site-map/").content.decode()
    for page in Page.objects.exclude(slug__in=["home", "procedures"]):
        assert f'href="{page.get_absolute_url()}"' in html, page.slug
    assert '<a href="/site-map/">Site map</a>' in client.get("/faqs/").content.decode()
    assert client.get("/sitemap.xml").status_code == 200


def test_print_this_page_shows_a_print_ready_view_without_javascript(client):
    html = client.get("/procedures/ct-scan/").content.decode()
    link = r'<a href="/procedures/ct-scan/\?print=1" rel="nofollow">(<svg .*?</svg>)?Print this page</a>'
    assert re.search(link, html)
    printable = client.get("/procedures/ct-scan/?print=1").content.decode()
    assert '<body class="print-view">' in printable and "Use your browser's Print command" in printable
    assert '<meta name="robots" content="noindex">' in printable
    assert "Print this page" not in printable and 'class="feedback"' not in printable


def test_every_table_has_a_caption_naming_its_keyboard_scrollable_region(client):
    for path in ["/guide/radiation-and-safety/", "/compare/"]:
        html = client.get(path).content.decode()
        tables = re.findall(
            r'<div class="[^"]*table-scroll" role="region" tabindex="0" aria-labelledby="([^"]+)">', html
        )
        assert tables and html.count("<table") == len(tables), path
        for caption_id in tables:
            assert re.search(rf'<caption id="{caption_id}">[^<]+</caption>', html), (path, caption_id)
    assert 'aria-label="Table"' not in client.get("/guide/radiation-and-safety/").content.decode()
