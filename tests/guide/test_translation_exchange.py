"""Translations from a professional translator and from the content files
(issue 23): export what needs translating as PO files, import them back as
drafts (all or nothing, a broken or mismatched file refused with its file
and line), and content/<language>/ files that round-trip and are refused
when they are less safe than the English."""

import html as html_module
import json
import re
import shutil

import polib
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from django.utils.translation import gettext

from radiology_guide.guide import content_folder, publishing, translations
from radiology_guide.guide.content_files import ContentError
from radiology_guide.guide.models import FAQ, Draft, Page, Translation
from radiology_guide.guide.sync import export_content, sync_content

pytestmark = pytest.mark.django_db


def exported(tmp_path, language="pl"):
    call_command("export_translations", "--language", language, "--output", str(tmp_path))
    return tmp_path / language


def translate(path, change=lambda entry: entry.msgid, translator="Anna Nowak"):
    po = polib.pofile(str(path))
    for entry in po:
        entry.msgstr = change(entry)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.metadata["Last-Translator"] = translator
    po.save(str(path))
    return path


def test_export_writes_the_pages_not_yet_translated_with_the_english_and_its_version(tmp_path):
    folder = exported(tmp_path)
    assert not (folder / "ct-scan.po").exists()  # translated from the English as it is
    po = polib.pofile(str(folder / "embolisation.po"))
    page = Page.objects.get(slug="embolisation")
    assert po.metadata["X-Radiology-Guide-Page"] == "embolisation"
    assert po.metadata["X-Radiology-Guide-Source-Revision"] == translations.fingerprint(page)
    contexts = {entry.msgctxt: entry for entry in po}
    assert contexts["title"].msgid == page.title
    assert contexts["warning_signs.call_999[0]"].msgid == page.warning_signs["call_999"][0]
    assert "strong" in contexts["warning_signs.call_999[0]"].comment  # what to keep


def test_an_out_of_date_translation_is_exported_with_the_old_words_marked_fuzzy(tmp_path, reviewer):
    page = Page.objects.get(slug="ct-scan")
    page.summary = "A CT scan uses X-rays and a computer to make detailed pictures of the inside of your body."
    publishing.publish(page, reviewer)
    po = polib.pofile(str(exported(tmp_path) / "ct-scan.po"))
    title = next(entry for entry in po if entry.msgctxt == "title")
    assert title.msgstr == Translation.objects.get(language="pl", of_key="ct-scan").text["title"]
    assert "fuzzy" in title.flags


def test_an_imported_file_becomes_a_draft_that_patients_do_not_see_until_published(tmp_path, client, reviewer):
    path = translate(exported(tmp_path) / "embolisation.po", lambda e: e.msgid.replace("You", "Ty"))
    call_command("import_translations", str(path))
    draft = Draft.objects.get(model="translation")
    assert draft.fields["of_key"] == "embolisation" and draft.fields["translated_by"] == "Anna Nowak"
    assert "translation-note" in client.get("/pl/procedures/embolisation/").content.decode()  # still "not translated"
    with translation.override("pl"):
        not_yet = html_module.escape(gettext("This page is not translated yet, so it is shown in English."))
    assert not_yet in client.get("/pl/procedures/embolisation/").content.decode()
    publishing.publish_draft(draft, reviewer)
    html = client.get("/pl/procedures/embolisation/").content.decode()
    assert "Anna Nowak" in html and not_yet not in html


def test_a_broken_file_is_refused_with_its_line_and_nothing_is_imported(tmp_path):
    folder = exported(tmp_path)
    good = translate(folder / "embolisation.po")
    broken = translate(folder / "tace.po")
    text = broken.read_text().splitlines()
    number = next(n for n, line in enumerate(text, start=1) if line.startswith('msgstr "') and n > 20)
    text[number - 1] = 'msgstr "a quotation never closed'
    text.insert(number, "this is not PO at all")
    broken.write_text("\n".join(text))
    with pytest.raises(CommandError, match=r"tace\.po:\d+: .*\nNothing was imported"):
        call_command("import_translations", str(good), str(broken))
    assert not Draft.objects.filter(model="translation").exists()


def test_a_file_made_from_older_english_or_for_another_page_is_refused(tmp_path, reviewer):
    path = translate(exported(tmp_path) / "embolisation.po")
    page = Page.objects.get(slug="embolisation")
    page.title = "Embolisation (blocking a blood vessel)"
    publishing.publish(page, reviewer)
    with pytest.raises(CommandError, match="made from English version .* but the English page is now version"):
        call_command("import_translations", str(path))
    po = polib.pofile(str(path))
    po.metadata["X-Radiology-Guide-Page"] = "no-such-page"
    po.save(str(path))
    with pytest.raises(CommandError, match="no page 'no-such-page'"):
        call_command("import_translations", str(path))
    assert not Draft.objects.filter(model="translation").exists()


def test_a_translation_that_changes_a_number_or_drops_a_warning_is_refused_with_its_line(tmp_path):
    path = translate(exported(tmp_path) / "embolisation.po", lambda e: re.sub(r"\d+", "7", e.msgid))
    with pytest.raises(CommandError, match=r"embolisation\.po:\d+: .*the numbers must be the English's"):
        call_command("import_translations", str(path))
    path = translate(exported(tmp_path) / "tace.po", lambda e: "" if e.msgctxt.startswith("warning_signs") else e.msgid)
    with pytest.raises(CommandError, match=r"tace\.po:\d+: 'warning_signs\..*' is not translated"):
        call_command("import_translations", str(path))
    assert not Draft.objects.filter(model="translation").exists()


def test_content_translations_round_trip_through_the_files(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(content_folder_root(), root)
    before = {record.key: record.fields for record in content_folder.read_content(root).of("translation")}
    assert len(before) == 27
    shutil.rmtree(root / "pl")
    export_content(root)  # writes each translation beside its English again
    after = {record.key: record.fields for record in content_folder.read_content(root).of("translation")}
    assert after == before
    assert (root / "pl" / "procedures" / "ct-scan.md").is_file()


def test_a_translation_file_less_safe_than_the_english_is_refused_by_the_check(content_copy):
    path = content_copy / "ur" / "procedures" / "ct-scan.md"
    text = path.read_text()
    lines = text.splitlines()
    first_999 = next(n for n, line in enumerate(lines) if line.strip() == "call_999:") + 1
    del lines[first_999]  # a warning line left out
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ContentError) as refused:
        content_folder.read_content(content_copy)
    assert "ur/procedures/ct-scan.md" in str(refused.value) and "warning_signs.call_999: needs 2 line(s)" in str(
        refused.value
    )


def test_a_translation_needs_its_english_and_says_who_translated_it(content_copy):
    (content_copy / "ro" / "procedures" / "no-such-scan.md").write_text(
        "---\ntranslation_of: no-such-scan\nlanguage: ro\ntranslated_by: X\nreview_status: awaiting clinical review\n"
        "title: T\nsummary: S\n---\n"
    )
    path = content_copy / "ro" / "procedures" / "ct-scan.md"
    path.write_text(path.read_text().replace("translated_by:", "translated_by: ''\nold_translated_by:", 1))
    with pytest.raises(ContentError) as refused:
        content_folder.read_content(content_copy)
    message = str(refused.value)
    assert "no-such-scan.md:1: no English page at the same path" in message
    assert "ro/procedures/ct-scan.md" in message


def test_a_sync_of_changed_english_files_marks_their_translations_out_of_date(content_copy):
    path = content_copy / "procedures" / "mri-scan.md"
    path.write_text(path.read_text().replace("summary: ", "summary: In short, ", 1))
    sync_content(content_copy)
    marked = set(Translation.objects.filter(english_changed_on__isnull=False).values_list("key", flat=True))
    assert marked == {"pl/page/mri-scan", "ro/page/mri-scan", "ur/page/mri-scan"}


def test_admin_lists_every_page_in_every_language_with_its_status(admin_client):
    html = admin_client.get("/admin/guide/translation/by-language/").content.decode()
    row = re.search(r"<tr><th scope=\"row\">CT scan.*?</tr>", html, re.S)[0]
    assert row.count("Awaiting check") == 3
    row = re.search(r"<tr><th scope=\"row\">Embolisation.*?</tr>", html, re.S)[0]
    assert row.count("Missing") == 3
    listed = admin_client.get("/admin/guide/translation/", {"language": "ur"}).content.decode()
    assert listed.count('class="field-of_key"') == 9


def content_folder_root():
    from django.conf import settings

    return settings.CONTENT_DIR


def test_admin_refuses_a_translation_of_an_faq_which_no_page_would_show(admin_client):
    faq = FAQ.objects.first()
    response = admin_client.post(
        "/admin/guide/translation/add/",
        {
            "language": "pl",
            "of_model": "faq",
            "of_key": faq.anchor,
            "text": json.dumps({"question": "Pytanie?", "answer": "Odpowiedź."}),
            "source_revision": "",
            "translated_by": "Tłumacz",
            "translation_checked_by": "",
        },
    )
    assert response.status_code == 200
    assert "Only pages can be translated for now" in response.content.decode()
    assert not Translation.objects.filter(of_model="faq").exists()
