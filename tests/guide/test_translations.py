"""The guide in Polish, Romanian and Urdu (issue 23): English at today's
addresses, each language under its prefix and named in itself, translated
pages that say who translated and checked them, untranslated pages in
English with a notice, and a translation that goes out of date when the
English it was made from is published again."""

import datetime
import html
import re
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from radiology_guide.guide import publishing, translations
from radiology_guide.guide.models import Page, Translation

pytestmark = pytest.mark.django_db


def main_of(response):
    return re.search(r"<main\b.*?</main>", response.content.decode(), re.S)[0]


def test_the_english_site_is_unchanged_at_its_addresses(client):
    for path in ("/", "/procedures/ct-scan/", "/guide/diagnostic-radiology/", "/enquire/", "/faqs/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert '<html lang="en-GB" dir="ltr">' in response.content.decode(), path
    assert client.get("/en-gb/").status_code == 404  # English has no prefix of its own


def test_each_language_is_under_its_prefix_with_its_own_lang_and_direction(client):
    for prefix, opening in (
        ("/pl/", 'lang="pl" dir="ltr"'),
        ("/ro/", 'lang="ro" dir="ltr"'),
        ("/ur/", 'lang="ur" dir="rtl"'),
    ):
        response = client.get(prefix + "procedures/ct-scan/")
        assert response.status_code == 200
        assert f"<html {opening}>" in response.content.decode(), prefix
        assert response["Content-Language"] == prefix.strip("/")


def test_the_language_list_names_each_language_in_itself_and_links_to_this_page(client):
    html = client.get("/procedures/mri-scan/").content.decode()
    nav = re.search(r'<nav class="languages".*?</nav>', html, re.S)[0]
    for href, code, name in (
        ("/procedures/mri-scan/", "en-GB", "English"),
        ("/pl/procedures/mri-scan/", "pl", "Polski"),
        ("/ro/procedures/mri-scan/", "ro", "Română"),
        ("/ur/procedures/mri-scan/", "ur", "اردو"),
    ):
        assert f'<a href="{href}" lang="{code}" hreflang="{code}"' in nav and f">{name}</a>" in nav


def test_a_language_is_never_chosen_from_the_browser_or_kept_in_a_cookie(client):
    response = client.get("/procedures/ct-scan/", HTTP_ACCEPT_LANGUAGE="pl")
    assert '<html lang="en-GB"' in response.content.decode()
    assert "Accept-Language" not in response.get("Vary", "")
    assert not response.cookies


def test_a_translated_page_is_in_its_language_and_as_safe_as_the_english(client):
    english = Page.objects.get(slug="ct-scan")
    polish = Translation.objects.get(language="pl", of_key="ct-scan")
    response = client.get("/pl/procedures/ct-scan/")
    main = main_of(response)
    assert f"<h1>{polish.text['title']}</h1>" in main
    for line in polish.text["warning_signs"]["call_999"]:
        assert line.split()[0] in main  # every warning line, in Polish
    assert len(re.findall(r"<li>", main)) >= len(english.warning_signs["call_999"])
    assert "020 7946 0000" in main  # the clinic's number comes through in every language
    assert 'href="/pl/procedures/' in main and 'href="/procedures/' not in main  # links stay in Polish


def test_a_translated_page_says_who_translated_it_and_that_nobody_has_checked_it_yet(client):
    polish = Translation.objects.get(language="pl", of_key="mri-scan")
    note = re.search(
        r'<div class="notice translation-note".*?</div>', client.get("/pl/procedures/mri-scan/").content.decode(), re.S
    )[0]
    assert html.escape(polish.translated_by) in note
    assert not polish.is_checked and not polish.is_approved


def test_an_untranslated_page_is_the_english_with_a_notice_and_the_interpreter(client):
    response = client.get("/ro/procedures/embolisation/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<div lang="en-GB" dir="ltr">' in main_of(response)  # screen readers read it as English
    assert "interpret" in html.lower() or "interpret" in html  # the notice offers an interpreter
    assert '<meta name="robots" content="noindex, nofollow">' in html  # English words: not for search engines
    assert 'hreflang="ro"' not in html.split("</head>")[0]


def test_every_page_has_hreflang_alternates_for_the_languages_it_is_written_in(client):
    head = client.get("/procedures/ct-scan/").content.decode().split("</head>")[0]
    for code, path in (
        ("en-GB", "/procedures/ct-scan/"),
        ("pl", "/pl/procedures/ct-scan/"),
        ("ur", "/ur/procedures/ct-scan/"),
    ):
        assert f'<link rel="alternate" hreflang="{code}" href="http://testserver{path}">' in head
    assert 'hreflang="x-default" href="http://testserver/procedures/ct-scan/"' in head
    untranslated = client.get("/procedures/embolisation/").content.decode().split("</head>")[0]
    assert 'hreflang="pl"' not in untranslated and 'hreflang="en-GB"' in untranslated


def test_the_sitemap_lists_each_translation_with_its_alternates(client):
    xml = ElementTree.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - our own sitemap
    locations = [loc.text for loc in xml.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "http://testserver/ur/procedures/ct-scan/" in locations
    assert "http://testserver/procedures/embolisation/" in locations
    assert "http://testserver/pl/procedures/embolisation/" not in locations  # not translated
    links = [link.get("hreflang") for link in xml.iter("{http://www.w3.org/1999/xhtml}link")]
    assert {"pl", "ro", "ur", "x-default"} <= set(links)


def test_publishing_a_change_to_the_english_marks_the_polish_out_of_date(client, reviewer):
    polish = Translation.objects.get(language="pl", of_key="ultrasound-scan")
    assert polish.english_changed_on is None
    assert "translation-out-of-date" not in client.get("/pl/procedures/ultrasound-scan/").content.decode()

    english = Page.objects.get(slug="ultrasound-scan")
    english.summary = "An ultrasound scan uses sound waves to make pictures of the inside of your body."
    publishing.publish(english, reviewer, "Clearer summary")

    polish.refresh_from_db()
    assert polish.english_changed_on == timezone.localdate()
    assert polish.status == Translation.Status.OUT_OF_DATE
    html = client.get("/pl/procedures/ultrasound-scan/").content.decode()
    notice = re.search(r'<p class="translation-out-of-date">.*?</p>', html, re.S)[0]
    assert 'href="/procedures/ultrasound-scan/"' in notice  # the English page
    assert timezone.localdate().strftime("%Y") in notice
    # The page keeps showing, in Polish, until a translator updates it.
    assert polish.text["title"] in main_of(client.get("/pl/procedures/ultrasound-scan/"))

    # A translation of the new English, published, is up to date again.
    polish.text = {
        **polish.text,
        "summary": "Badanie USG wykorzystuje fale dźwiękowe, aby zrobić zdjęcia wnętrza ciała.",
    }
    polish.source_revision = translations.fingerprint(Page.objects.get(slug="ultrasound-scan"))
    publishing.publish(polish, reviewer, "Updated from the new English")
    polish.refresh_from_db()
    assert polish.english_changed_on is None
    assert "translation-out-of-date" not in client.get("/pl/procedures/ultrasound-scan/").content.decode()


def test_a_change_to_the_english_that_does_not_touch_its_words_leaves_translations_up_to_date(reviewer):
    english = Page.objects.get(slug="x-ray-and-fluoroscopy")
    english.order += 1  # not a word a translation translates
    publishing.publish(english, reviewer)
    assert not Translation.objects.filter(of_key="x-ray-and-fluoroscopy", english_changed_on__isnull=False).exists()


def test_dates_are_written_in_the_readers_language(client):
    Translation.objects.filter(language="pl", of_key="ct-scan").update(english_changed_on=datetime.date(2026, 12, 3))
    Translation.objects.filter(language="ro", of_key="ct-scan").update(english_changed_on=datetime.date(2026, 12, 3))
    polish = client.get("/pl/procedures/ct-scan/").content.decode()
    romanian = client.get("/ro/procedures/ct-scan/").content.decode()
    assert "3 grudnia 2026" in polish
    assert "3 Decembrie 2026" in romanian  # Django's Romanian month names


def test_search_finds_pages_in_the_readers_language(client):
    polish_title = Translation.objects.get(language="pl", of_key="mri-scan").text["title"]
    word = next(w for w in re.findall(r"\w+", polish_title) if len(w) > 4)
    html = client.get("/pl/search/", {"q": word}).content.decode()
    assert 'href="/pl/procedures/mri-scan/"' in html
    urdu_title = Translation.objects.get(language="ur", of_key="ct-scan").text["title"]
    urdu_word = next(w for w in urdu_title.split() if not w.isascii())
    assert 'href="/ur/procedures/ct-scan/"' in client.get("/ur/search/", {"q": urdu_word}).content.decode()
    # An untranslated page is still found (in English), at its address in the language.
    assert 'href="/ro/procedures/embolisation/"' in client.get("/ro/search/", {"q": "embolisation"}).content.decode()


def test_an_enquiry_sent_in_urdu_is_confirmed_in_urdu_and_records_its_language(client, valid_post, settings):
    from radiology_guide.enquiries.models import Enquiry

    settings.ENQUIRY_MIN_FILL_SECONDS = 0
    response = client.post("/ur/enquire/", valid_post(), follow=True)
    assert response.redirect_chain[-1][0].startswith("/ur/enquire/sent/")
    assert '<html lang="ur" dir="rtl">' in response.content.decode()
    assert Enquiry.objects.get().language == "ur"


def test_a_new_warning_in_the_english_is_never_missing_from_the_page_in_another_language(client, reviewer):
    english = Page.objects.get(slug="ct-scan")
    new_line = "You have chest pain after the scan."
    english.warning_signs = {**english.warning_signs, "call_999": [*english.warning_signs["call_999"], new_line]}
    publishing.publish(english, reviewer, "A new warning sign")
    for language in ("pl", "ro", "ur"):
        response = client.get(f"/{language}/procedures/ct-scan/")
        main = main_of(response)
        # The out-of-date translation lacks the new line: the English is shown instead, until it is updated.
        assert new_line in main, language
        assert '<div lang="en-GB" dir="ltr">' in main
        assert Translation.objects.get(language=language, of_key="ct-scan").status == Translation.Status.OUT_OF_DATE


def test_with_approval_required_a_file_cannot_change_an_approved_translation_without_a_new_approval(
    client, settings, reviewer, content_copy
):
    from radiology_guide.guide.sync import export_content, sync_content

    settings.PUBLISH_REQUIRES_APPROVAL = True
    polish = Translation.objects.get(key="pl/page/diagnostic-radiology")
    polish.approve(reviewer)
    export_content(content_copy)  # the file now records the clinician's approval
    path = content_copy / "pl/sections/020-diagnostic-radiology.md"
    path.write_text(path.read_text() + "\nZdanie, którego nikt nie sprawdził.\n")
    report = sync_content(content_copy)
    polish.refresh_from_db()
    assert "nikt nie sprawdził" not in polish.text["body"] and polish.is_approved
    assert any("without a new approval" in conflict for conflict in report.conflicts), report.conflicts
    assert "nikt nie sprawdził" not in client.get("/pl/guide/diagnostic-radiology/").content.decode()


def test_on_an_urdu_page_what_is_only_in_english_is_marked_as_english_for_screen_readers(client):
    # WCAG 3.1.2: a screen reader reads each passage in its own language's voice.
    main = main_of(client.get("/ur/procedures/ct-scan/"))
    figure = re.search(r"<figure [^>]*>", main)[0]
    assert 'lang="en-GB" dir="ltr"' in figure  # the drawing's words are written in English
    assert '<ol class="sources" lang="en-GB" dir="ltr">' in main  # the sources' own titles
    related = re.search(r'<section class="related".*?</section>', main, re.S)[0]
    # A related page with an Urdu translation is named in Urdu; one without stays English, marked so.
    urdu_title = Translation.objects.get(key="ur/page/mri-scan").text["title"]
    assert f'<a href="/ur/procedures/mri-scan/">{html.escape(urdu_title)}</a>' in related
    assert '<a href="/ur/procedures/ct-colonography/" lang="en-GB" dir="ltr">CT colonography</a>' in related
    home = main_of(client.get("/ur/"))
    assert '<a href="/ur/procedures/ct-colonography/" lang="en-GB" dir="ltr">CT colonography</a>' in home
    listing = main_of(client.get("/ur/procedures/"))
    assert listing.count('<div lang="en-GB" dir="ltr"><h3>') == Page.objects.procedures().count() - 5
    # The English pages are as they were.
    english = main_of(client.get("/procedures/ct-scan/"))
    assert 'lang="en-GB"' not in english and '<ol class="sources">' in english


def test_a_pages_facts_are_in_the_readers_language_kind_length_and_dose(client):
    urdu_ct = Translation.objects.get(key="ur/page/ct-scan").text
    card = re.search(
        r'<li class="card">\s*<h3><a href="/ur/procedures/ct-scan/">.*?</li>',
        main_of(client.get("/ur/procedures/")),
        re.S,
    )[0]
    facts = re.search(r'<p class="card-facts">(.*?)</p>', card, re.S)[1]
    assert facts == f"اسکین · {urdu_ct['duration']} · درمیانی ریڈی ایشن ڈوز"  # scan, its length, a medium dose
    # A page not yet translated keeps its English length, marked as English.
    listing = main_of(client.get("/ur/procedures/"))
    assert '<span lang="en-GB" dir="ltr">About 30 minutes in the scan room</span>' in listing  # CT colonography
    polish = main_of(client.get("/pl/procedures/ct-scan/"))
    assert "Wykorzystuje promieniowanie jonizujące" in polish and ">dawka: średnia</a>" in polish
    assert "medium" not in polish
    english = main_of(client.get("/procedures/ct-scan/"))
    assert 'Uses ionising radiation: <a href="/guide/radiation-and-safety/">medium dose</a>' in english
