"""Issue 20: every scan, procedure and guide page says when it was last
reviewed, when the next review is due and who approved it (name, role and
professional registration), and never claims a review that did not happen."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from radiology_guide.guide import content_folder, publishing
from radiology_guide.guide.content_files import ContentError
from radiology_guide.guide.models import Page, ReviewerProfile

pytestmark = pytest.mark.django_db

PAGES = ["/procedures/ct-scan/", "/procedures/angioplasty-and-stenting/", "/guide/diagnostic-radiology/"]


def review_panel(html):
    return html[html.index('<dl class="review-dates">') : html.index("</dl>", html.index('class="review-dates"'))]


def long_date(day):
    return f"{day.day} {day:%B %Y}"


@pytest.fixture
def registered_reviewer(reviewer):
    ReviewerProfile.objects.create(
        user=reviewer, role="Consultant interventional radiologist", registration="GMC 7654321"
    )
    return reviewer


@pytest.mark.parametrize("path", PAGES)
def test_a_page_awaiting_review_says_so_and_shows_when_it_was_last_updated(client, path):
    panel = review_panel(client.get(path).content.decode())
    assert "Not yet reviewed by our radiologists" in panel
    assert "Last updated" in panel
    # No review date is invented for a page nobody has reviewed.
    assert "Page last reviewed" not in panel and "Next review due" not in panel and "Reviewed by" not in panel


@pytest.mark.parametrize("path", PAGES)
def test_an_approved_page_shows_its_review_dates_and_who_approved_it_with_their_registration(
    client, registered_reviewer, path
):
    publishing.approve(Page.objects.filter(slug=path.strip("/").split("/")[-1]), registered_reviewer)
    panel = review_panel(client.get(path).content.decode())
    today = timezone.localdate()
    assert f"Page last reviewed</dt><dd>{long_date(today)}" in panel
    assert f"Next review due</dt><dd>{long_date(today.replace(year=today.year + 3))}" in panel
    assert "Reviewed by</dt><dd>Asha Jones, Consultant interventional radiologist (GMC 7654321)" in panel
    assert "Not yet reviewed" not in panel


def test_the_review_panel_comes_after_the_sources_near_the_end_of_the_page(client):
    html = client.get("/procedures/ct-scan/").content.decode()
    sources, panel = html.index("Where this information comes from"), html.index('class="review-dates"')
    assert sources < panel < html.index("Related pages")


def test_an_approval_keeps_the_registration_it_was_given_when_the_profile_changes_later(registered_reviewer):
    page = Page.objects.get(slug="ct-scan")
    page.approve(registered_reviewer)
    ReviewerProfile.objects.filter(user=registered_reviewer).update(registration="GMC 1111111")
    page.refresh_from_db()
    assert page.reviewer_registration == "GMC 7654321"
    assert page.reviewer_role == "Consultant interventional radiologist"


def test_a_reviewer_without_a_profile_is_shown_with_the_clinics_reviewer_role(client, reviewer):
    publishing.approve(Page.objects.filter(slug="ct-scan"), reviewer)
    panel = review_panel(client.get("/procedures/ct-scan/").content.decode())
    assert f"Reviewed by</dt><dd>Asha Jones, {settings.CLINICAL_REVIEWER_ROLE}</dd>" in panel


def test_editing_an_approved_page_clears_the_whole_approval_record(registered_reviewer):
    page = Page.objects.get(slug="ct-scan")
    page.approve(registered_reviewer)
    assert page.review_sheet
    page.summary += " Now longer."
    page.save()
    page.refresh_from_db()
    assert not page.is_approved
    assert page.reviewer_registration == "" and page.review_sheet == "" and page.last_reviewed is None


def test_export_writes_the_registration_and_sheet_version_and_sync_reads_them_back(content_copy, registered_reviewer):
    page = Page.objects.get(slug="ct-scan")
    page.approve(registered_reviewer)
    call_command("export_content", "--path", str(content_copy), stdout=StringIO())
    text = (content_copy / "procedures" / "ct-scan.md").read_text()
    assert "reviewer_registration: GMC 7654321" in text
    assert f"review_sheet: '{page.review_sheet}'" in text or f"review_sheet: {page.review_sheet}" in text

    out = StringIO()
    call_command("sync_content", "--path", str(content_copy), stdout=out)
    assert "0 created, 0 updated, 0 deleted" in out.getvalue() and "0 conflict(s)" in out.getvalue()
    record = next(r for r in content_folder.read_content(content_copy).records if r.key == "ct-scan")
    assert record.fields["reviewer_registration"] == "GMC 7654321"
    assert record.fields["review_sheet"] == page.review_sheet

    # Loaded into a database that never saw the approval, the record is the same.
    Page.objects.filter(slug="ct-scan").delete()
    call_command("sync_content", "--path", str(content_copy), stdout=StringIO())
    loaded = Page.objects.get(slug="ct-scan")
    assert loaded.reviewer_registration == "GMC 7654321" and loaded.review_sheet == page.review_sheet
    assert loaded.is_approved and loaded.last_reviewed == page.approved_on


def test_a_file_awaiting_review_cannot_carry_a_registration(content_copy):
    path = content_copy / "procedures" / "ct-scan.md"
    path.write_text(path.read_text().replace("review_status:", "reviewer_registration: GMC 1234567\nreview_status:", 1))
    with pytest.raises(ContentError, match="reviewer_registration"):
        content_folder.read_content(content_copy)


def test_the_migration_keeps_a_synced_page_synced_so_the_next_sync_sees_no_edit():
    import importlib

    from django.apps import apps

    from radiology_guide.guide.models import content_hash

    migration = importlib.import_module("radiology_guide.guide.migrations.0011_review_panel_and_sheet")
    # 0013 added preparation timing later, empty on every page until then.
    timing = importlib.import_module("radiology_guide.guide.migrations.0013_page_preparation_timing")
    Page.objects.filter(slug="ct-scan").update(preparation_timing=[])
    page = Page.objects.get(slug="ct-scan")
    before = content_hash({name: getattr(page, name) for name in migration.OLD_FILE_FIELDS})
    Page.objects.filter(pk=page.pk).update(synced_hash=before)  # as the last sync left it
    edited = Page.objects.get(slug="mri-scan")
    Page.objects.filter(pk=edited.pk).update(synced_hash="an admin edited it since")
    migration.keep_synced_hashes(apps, None)
    timing.keep_synced_hashes(apps, None)
    assert Page.objects.get(pk=page.pk).synced_hash == page.current_hash()
    assert Page.objects.get(pk=edited.pk).synced_hash == "an admin edited it since"
