"""Content files, database and admin stay in step, and a broken file never
half-imports."""

import pytest
from django.core.management import CommandError, call_command

from radiology_guide.guide.models import FAQ, ComparisonRow, GlossaryTerm, Page
from tests.helpers import sync

pytestmark = pytest.mark.django_db


def test_sync_of_unchanged_files_reports_zero_changes(content_copy):
    out, _ = sync(content_copy)
    assert "0 created, 0 updated, 0 deleted" in out
    assert "0 conflict(s)" in out


def test_a_sync_that_changes_nothing_renders_nothing_again(content_copy):
    Page.objects.filter(slug="ct-scan").update(main_html="<p>Stored before.</p>")
    out, _ = sync(content_copy)
    assert "nothing to render" in out
    assert Page.objects.get(slug="ct-scan").main_html == "<p>Stored before.</p>"


def test_new_rendering_code_or_rerender_renders_every_page_again(content_copy):
    from radiology_guide.guide.models import RenderState

    Page.objects.filter(slug="ct-scan").update(main_html="<p>Stored before.</p>")
    RenderState.objects.update_or_create(pk=1, defaults={"fingerprint": "an older version of the templates"})
    out, _ = sync(content_copy)
    assert "nothing to render" not in out
    assert "How do I prepare?" in Page.objects.get(slug="ct-scan").main_html

    Page.objects.filter(slug="ct-scan").update(main_html="<p>Stored before.</p>")
    sync(content_copy, "--rerender")
    assert "How do I prepare?" in Page.objects.get(slug="ct-scan").main_html


def test_sync_into_an_empty_database_creates_everything_then_is_idempotent(content_copy):
    for model in (Page, FAQ, GlossaryTerm, ComparisonRow):
        model.objects.all().delete()
    out, _ = sync(content_copy)
    stored = sum(model.objects.count() for model in (Page, FAQ, GlossaryTerm, ComparisonRow))
    assert f"{stored} created" in out
    out, _ = sync(content_copy)
    assert "0 created, 0 updated, 0 deleted" in out


def test_a_changed_file_updates_its_page(content_copy, client):
    path = content_copy / "sections" / "020-diagnostic-radiology.md"
    path.write_text(path.read_text().replace("## What kinds of scan are there?", "## Which scans are there?"))
    out, _ = sync(content_copy)
    assert "updated page 'diagnostic-radiology'" in out and "1 updated" in out
    assert "Which scans are there?" in client.get("/guide/diagnostic-radiology/").content.decode()


def test_sync_never_silently_overwrites_an_admin_edit(content_copy):
    page = Page.objects.get(slug="diagnostic-radiology")
    page.summary = "Edited in admin."
    page.save()
    path = content_copy / "sections" / "020-diagnostic-radiology.md"
    path.write_text(path.read_text().replace("## What kinds of scan are there?", "## Which scans are there?"))

    out, err = sync(content_copy)
    assert "conflict: page 'diagnostic-radiology'" in err
    assert "020-diagnostic-radiology.md" in err
    assert "1 conflict(s)" in out
    assert Page.objects.get(slug="diagnostic-radiology").summary == "Edited in admin."

    out, _ = sync(content_copy, "--force")
    page = Page.objects.get(slug="diagnostic-radiology")
    assert page.summary != "Edited in admin." and "Which scans are there?" in page.body


def test_an_admin_edit_with_an_unchanged_file_is_kept_quietly(content_copy):
    faq = FAQ.objects.first()
    faq.answer = "A new answer written in admin. It is short. It is clear."
    faq.save()
    out, err = sync(content_copy)
    assert "conflict" in err  # the file still says otherwise: reported, not overwritten
    assert FAQ.objects.get(pk=faq.pk).answer.startswith("A new answer")


def replacing(old, new):
    return lambda text: text.replace(old, new, 1)


DIAGNOSTIC = "sections/020-diagnostic-radiology.md"
BROKEN = [
    ("no front matter", DIAGNOSTIC, lambda text: text.split("---", 2)[2], ":1: no front matter"),
    (
        "duplicate slug",
        "sections/030-interventional-radiology.md",
        replacing("slug: interventional-radiology", "slug: diagnostic-radiology"),
        "duplicate page 'diagnostic-radiology'",
    ),
    ("unknown field", DIAGNOSTIC, replacing("summary:", "colour: blue\nsummary:"), "unknown field 'colour'"),
    ("malformed table", "comparison.md", replacing("| Main role |", "| Main role | extra |"), "exactly 3 filled cells"),
    ("bad yaml", "faqs.md", replacing("title:", "title: [unclosed"), "not valid YAML"),
    (
        "hand-typed review date",
        "glossary.md",
        replacing("review_status:", "last_reviewed: 2026-11-27\nreview_status:"),
        "review dates are set by a clinician's approval",
    ),
    (
        "approval typed on a draft",
        DIAGNOSTIC,
        replacing("review_status:", "approved_on: 2026-11-27\nreview_status:"),
        "written only by export_content",
    ),
    ("javascript source", DIAGNOSTIC, replacing("url: https://", "url: javascript://"), "must start with https://"),
    ("home page source", DIAGNOSTIC, lambda text: _first_url_to(text, "https://www.nhs.uk/"), "is a home page"),
]


def _first_url_to(text, url):
    import re

    return re.sub(r"url: \S+", f"url: {url}", text, count=1)


@pytest.mark.parametrize(("name", "file", "breaks", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_file_stops_the_sync_naming_file_and_line_and_imports_nothing(
    content_copy, name, file, breaks, message
):
    good = content_copy / "sections" / "010-two-sides-of-radiology.md"
    good.write_text(good.read_text().replace("title:", "title: Changed -", 1))  # a valid change elsewhere
    path = content_copy / file
    path.write_text(breaks(path.read_text()))
    with pytest.raises(CommandError) as error:
        sync(content_copy)
    assert message in str(error.value)
    assert f"{file}:" in str(error.value)
    assert "Nothing was imported" in str(error.value)
    assert not Page.objects.filter(title__startswith="Changed -").exists()


def test_export_writes_admin_edits_back_and_a_following_sync_reports_no_changes(content_copy):
    page = Page.objects.get(slug="mri-scan")
    page.body += "\n\n## A new heading\n\nWritten in admin.\r\n"
    page.save()
    row = ComparisonRow.objects.get(feature="Main role")
    row.order = 40
    row.save()
    call_command("export_content", "--path", str(content_copy), stdout=None)
    assert "Written in admin." in (content_copy / "procedures" / "mri-scan.md").read_text()
    out, err = sync(content_copy)
    assert "0 created, 0 updated, 0 deleted" in out and "0 conflict(s)" in out, err


def test_export_of_untouched_content_rewrites_nothing_semantic(content_copy):
    call_command("export_content", "--path", str(content_copy))
    out, _ = sync(content_copy)
    assert "0 created, 0 updated, 0 deleted" in out


def test_an_approval_round_trips_through_the_files_with_its_review_dates(content_copy, reviewer):
    page = Page.objects.get(slug="ct-scan")
    page.approve(reviewer)
    call_command("export_content", "--path", str(content_copy), stdout=None)
    text = (content_copy / "procedures" / "ct-scan.md").read_text()
    assert "approved_by: Asha Jones" in text and f"approved_on: {page.approved_on.isoformat()}" in text
    assert "last_reviewed" not in text and "next_review_due" not in text  # derived from the approval
    out, err = sync(content_copy)
    assert "0 created, 0 updated, 0 deleted" in out and "0 conflict(s)" in out, err
    page.refresh_from_db()
    assert page.is_approved and page.last_reviewed == page.approved_on
    assert page.next_review_due == page.approved_on.replace(year=page.approved_on.year + 3)
