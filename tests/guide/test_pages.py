"""A patient reads the guide: every public page, as a browser would fetch it."""

import re

import pytest
from django.urls import reverse

from radiology_guide.guide import publishing
from radiology_guide.guide.models import FAQ, GlossaryTerm, Page, Translation

pytestmark = pytest.mark.django_db


def sitemap_paths(client):
    xml = client.get("/sitemap.xml").content.decode()
    return [re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"<loc>(.*?)</loc>", xml)]


def test_sitemap_lists_every_public_page_and_each_returns_200_with_one_h1(client):
    paths = sitemap_paths(client)
    english = [path for path in paths if not path.startswith(("/pl/", "/ro/", "/ur/"))]
    # plus home, the enquiry form and the site map for people
    assert len(english) == Page.objects.exclude(slug="home").count() + 3
    # Each site page (their frame is all interface) and each translation, in each other language.
    in_each = Page.objects.filter(kind=Page.Kind.PAGE).exclude(slug="home").count() + 3
    assert len(paths) - len(english) == 3 * in_each + Translation.objects.exclude(of_key="home").count()
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert html.count("<h1") == 1, path
        assert f'lang="{"en-GB" if path in english else path.split("/")[1]}"' in html, path


def test_home_explains_both_sides_and_where_to_start(client):
    html = client.get("/").content.decode()
    assert "Diagnostic radiology" in html and "Interventional radiology" in html
    for section in Page.objects.sections():
        assert section.get_absolute_url() in html


def test_guide_section_has_contents_last_updated_sources_and_neighbours(client):
    html = client.get("/guide/diagnostic-radiology/").content.decode()
    assert "On this page" in html
    assert 'href="#what-kinds-of-scan-are-there"' in html and 'id="what-kinds-of-scan-are-there"' in html
    assert "Last updated" in html
    assert "Where this information comes from" in html
    assert 'rel="prev" href="/guide/two-sides-of-radiology/"' in html
    assert 'rel="next" href="/guide/interventional-radiology/"' in html
    assert "Related pages" in html
    assert 'href="/enquire/?topic=diagnostic-radiology"' in html


def test_draft_page_shows_one_honest_review_status(client):
    html = client.get("/guide/interventional-radiology/").content.decode()
    assert html.count("Not yet checked by our radiologists") == 1
    # No review that did not happen: no review date, no reviewer, however it is worded.
    for claim in ("Page last reviewed", "Reviewed by", "Content editor", "Clinically reviewed", "Next review due"):
        assert claim not in html
    assert "Last updated" in html


def test_comparison_is_a_real_table_with_caption_and_header_scopes(client):
    html = client.get("/compare/").content.decode()
    assert '<caption id="comparison-caption">' in html
    assert html.count('<th scope="col">') == 3
    assert html.count('<th scope="row">') >= 11
    assert "Main role" in html


def test_every_faq_has_its_own_anchor_and_works_without_javascript(client):
    html = client.get("/faqs/").content.decode()
    faqs = list(FAQ.objects.all())
    assert len(faqs) >= 15
    for faq in faqs:
        assert f'<details class="faq" id="{faq.anchor}">' in html
    assert html.count("<summary>") == len(faqs)


def test_glossary_lists_terms_a_to_z_with_anchors(client):
    html = client.get("/glossary/").content.decode()
    terms = list(GlossaryTerm.objects.all())
    assert len(terms) >= 30
    for term in terms:
        assert f'id="{term.slug}"' in html
    letters = re.findall(r'href="#letter-([a-z])"', html)
    assert letters == sorted(letters)


def test_glossary_terms_in_page_text_link_to_their_entries(client):
    # The first mention opens its definition in place, which links to the full entry.
    html = client.get("/guide/diagnostic-radiology/").content.decode()
    assert '<a class="glossary-term" id="define-radiologist-word" href="#define-radiologist">radiologist</a>' in html
    assert '<a class="glossary-link" href="/glossary/#radiologist">More about radiologist in the glossary</a>' in html


def test_scan_page_shows_its_facts_box(client):
    html = client.get("/procedures/ct-scan/").content.decode()
    assert "At a glance" in html and "How long it takes" in html
    assert "Uses ionising radiation" in html


def test_procedures_index_filters_without_javascript(client):
    everything = client.get("/procedures/").content.decode()
    scans = client.get("/procedures/", {"kind": "scan", "radiation": "no"}).content.decode()
    assert "/procedures/angioplasty-and-stenting/" in everything
    assert "/procedures/mri-scan/" in scans and "/procedures/ultrasound-scan/" in scans
    assert "/procedures/ct-scan/" not in scans and "/procedures/angioplasty-and-stenting/" not in scans


def test_unknown_page_gets_a_friendly_404_with_the_clinic_phone(client):
    response = client.get("/guide/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "020 7946 0000" in html


def test_footer_says_what_to_do_in_an_emergency_and_links_privacy_and_accessibility(client):
    html = client.get("/faqs/").content.decode()
    assert "999" in html and "111" in html
    assert 'href="/privacy/"' in html and 'href="/accessibility/"' in html


def test_robots_txt_points_to_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /admin/" in body


def test_no_page_loads_anything_from_another_host(client):
    for path in ["/", "/guide/diagnostic-radiology/", "/faqs/", "/compare/", reverse("enquiries:form")]:
        html = client.get(path).content.decode()
        # (Links to this page in other languages name this site, and are never fetched.)
        html = re.sub(r'<link rel="alternate" hreflang="[^"]+" href="http://testserver/[^"]*">', "", html)
        for attribute in re.findall(r'<(?:script|link|img|iframe|source)[^>]*(?:src|href)="([^"]+)"', html):
            assert attribute.startswith("/"), (path, attribute)


def test_clinic_details_edited_in_admin_show_in_header_and_footer(client):
    from radiology_guide.core.models import ClinicDetails

    clinic = ClinicDetails.load()
    clinic.phone = "01632 960 123"
    clinic.save()
    html = client.get("/").content.decode()
    assert "01632 960 123" in html


def test_privacy_notice_says_how_long_enquiries_are_kept(client, settings):
    html = client.get("/privacy/").content.decode()
    assert settings.ENQUIRY_RETENTION_DAYS == 365 and "12 months" in html
    assert "delete" in html and "Information Commissioner" in html


def test_the_menu_marks_the_page_the_reader_is_on(client):
    faqs = client.get("/faqs/").content.decode()
    assert '<a href="/faqs/" aria-current="page">FAQs</a>' in faqs
    assert '<a href="/" aria-current="page">' not in faqs
    home = client.get("/").content.decode()
    assert '<a href="/" aria-current="page">Home</a>' in home and 'href="/faqs/" aria-current' not in home


def test_a_guide_page_address_with_the_wrong_kind_is_not_found(client):
    assert client.get("/guide/ct-scan/").status_code == 404  # a scan, not a section
    assert client.get("/procedures/diagnostic-radiology/").status_code == 404


def test_editing_one_faq_updates_the_faq_pages_last_updated_date(client):
    import datetime

    from django.utils import timezone

    long_ago = timezone.now() - datetime.timedelta(days=400)
    Page.objects.filter(slug="faqs").update(updated_at=long_ago)
    FAQ.objects.update(updated_at=long_ago)
    assert f"{long_ago.day} {long_ago:%B %Y}" in client.get("/faqs/").content.decode()
    faq = FAQ.objects.first()
    faq.answer += " Ask us if you are not sure."
    publishing.publish(faq, None)
    today = timezone.localdate()
    assert f"Last updated</dt><dd>{today.day} {today:%B %Y}" in client.get("/faqs/").content.decode()
