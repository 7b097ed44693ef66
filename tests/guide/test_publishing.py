"""An editor's change is a draft until someone chooses to publish it: patients
keep seeing the published page, a preview shows the draft in the site's own
style, and every change is kept in the history."""

import datetime
import re
import time

import pytest
from django.contrib.auth.models import Permission
from django.core import signing
from django.utils import timezone

from radiology_guide.guide import drafts, preview, publishing
from radiology_guide.guide.models import APPROVED, DRAFT, Draft, GlossaryTerm, Page, Revision
from radiology_guide.guide.sync import sync_content
from radiology_guide.guide.tasks import publish_due_drafts
from tests.helpers import change_url, page_form

pytestmark = pytest.mark.django_db

NEW_WORDS = "You can park in the car park behind the clinic."


def edited(page, **changes):
    return page_form(page, body=page.body + f"\n\n## Parking\n\n{NEW_WORDS}", **changes)


@pytest.fixture
def page():
    return Page.objects.get(slug="what-to-expect")


@pytest.fixture
def writer(django_user_model):
    """A content editor who may save drafts but not publish them."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("writer", "writer@example.com", "a-long-test-password", is_staff=True)
    for permission in Group.objects.get(name="Content editors").permissions.exclude(codename="publish_content"):
        user.user_permissions.add(permission)
    return user


def test_saving_keeps_a_draft_and_patients_still_see_the_published_page(client, editor, page):
    client.force_login(editor)
    response = client.post(change_url(page), edited(page, change_note="Added parking", _save="Save draft"))
    assert response.status_code == 302 and response["Location"] == change_url(page)
    form = client.get(change_url(page)).content.decode()
    assert "Unpublished changes." in form and "Added parking" in form and NEW_WORDS in form
    client.logout()
    assert NEW_WORDS not in client.get("/guide/what-to-expect/").content.decode()


def test_the_change_list_shows_which_pages_have_unpublished_changes(client, editor, page):
    client.force_login(editor)
    client.post(change_url(page), edited(page))
    waiting = client.get("/admin/guide/page/?unpublished=yes").content.decode()
    assert page.title in waiting and "CT scan" not in waiting
    assert "Unpublished changes" in client.get("/admin/guide/page/").content.decode()


def test_publishing_a_draft_shows_it_to_patients_on_the_next_request(client, editor, page):
    client.get("/guide/what-to-expect/")  # cached now
    client.force_login(editor)
    client.post(change_url(page), edited(page))
    response = client.post(change_url(page), edited(page, _publish="Save and publish"))
    assert response.status_code == 302
    client.logout()
    assert NEW_WORDS in client.get("/guide/what-to-expect/").content.decode()
    assert not Draft.objects.exists()


def test_an_editor_without_the_publish_permission_can_only_save_drafts(client, writer, page):
    client.force_login(writer)
    form = client.get(change_url(page)).content.decode()
    assert 'name="_save"' in form and 'name="_publish"' not in form
    client.post(change_url(page), edited(page, _publish="Save and publish"))
    assert "not published" in client.get(change_url(page)).content.decode()
    client.logout()
    assert NEW_WORDS not in client.get("/guide/what-to-expect/").content.decode()


def test_the_preview_shows_the_draft_in_the_sites_own_page_and_is_never_kept(client, editor, page):
    client.force_login(editor)
    client.post(change_url(page), edited(page))
    response = client.get(f"/admin/guide/page/{page.pk}/preview/")
    html = response.content.decode()
    assert NEW_WORDS in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html and '<main id="main"' in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


def test_a_signed_preview_link_works_without_an_account_for_7_days(client, editor, page):
    client.force_login(editor)
    client.post(change_url(page), edited(page))
    # The link the form shows (signed with the time: read it, do not make another).
    path = re.search(r"http://testserver(/preview/[^\"<\s]+/)", client.get(change_url(page)).content.decode()).group(1)
    client.logout()
    for _ in range(2):  # the second time it would come from the page cache, if it were ever stored
        response = client.get(path)
        assert NEW_WORDS in response.content.decode()
        assert "X-Cache" not in response and "no-store" in response["Cache-Control"]
    assert "Disallow: /preview/" in client.get("/robots.txt").content.decode()


def test_a_preview_link_older_than_7_days_has_expired(client, page, monkeypatch):
    eight_days_ago = time.time() - datetime.timedelta(days=8).total_seconds()
    monkeypatch.setattr(signing.time, "time", lambda: eight_days_ago)
    token = preview.token_for(page)
    monkeypatch.undo()
    response = client.get(f"/preview/{token}/")
    assert response.status_code == 410 and "This preview link has expired" in response.content.decode()
    assert client.get("/preview/forged-token/").status_code == 410


def test_a_draft_of_an_faq_is_previewed_on_the_faq_page(client, editor):
    from radiology_guide.guide.models import FAQ

    faq = FAQ.objects.order_by("order").first()
    client.force_login(editor)
    data = {name: getattr(faq, name) for name in faq.FILE_FIELDS}
    client.post(change_url(faq), data | {"answer": "A new, shorter answer.", "_save": "Save draft"})
    assert "A new, shorter answer." in client.get(f"/admin/guide/faq/{faq.pk}/preview/").content.decode()
    client.logout()
    assert "A new, shorter answer." not in client.get("/faqs/").content.decode()


def test_a_draft_can_be_published_at_a_chosen_time_by_the_worker(client, editor, page):
    when = timezone.localtime() + datetime.timedelta(hours=2)
    client.force_login(editor)
    data = edited(page, publish_at_0=when.strftime("%Y-%m-%d"), publish_at_1=when.strftime("%H:%M:%S"))
    client.post(change_url(page), data)
    assert "It will be published at" in client.get(change_url(page)).content.decode()
    assert publish_due_drafts.call() == 0  # not yet
    client.logout()
    assert NEW_WORDS not in client.get("/guide/what-to-expect/").content.decode()
    Draft.objects.update(publish_at=timezone.now() - datetime.timedelta(seconds=1))  # the time has come
    assert publish_due_drafts.call() == 1
    assert NEW_WORDS in client.get("/guide/what-to-expect/").content.decode()


# With PUBLISH_REQUIRES_APPROVAL, publishing is a clinician's approval.


def test_with_approval_required_a_clinician_publishes_someone_elses_draft_and_approves_it(
    client, settings, editor, reviewer, page
):
    settings.PUBLISH_REQUIRES_APPROVAL = True
    client.force_login(editor)
    client.post(change_url(page), edited(page, _publish="Save and publish"))
    assert "only a clinician who approves content can publish" in client.get(change_url(page)).content.decode()
    client.force_login(reviewer)
    page = drafts.with_draft(Page.objects.get(pk=page.pk))
    client.post(change_url(page), page_form(page, _publish="Save and publish"))
    page.refresh_from_db()
    assert page.review_status == APPROVED and page.approved_by == reviewer and NEW_WORDS in page.body
    assert Revision.objects.filter(object_id=page.pk, action="approved", saved_by=reviewer).exists()


def test_with_approval_required_a_clinician_never_publishes_their_own_edit(client, settings, reviewer, page):
    settings.PUBLISH_REQUIRES_APPROVAL = True
    client.force_login(reviewer)
    client.post(change_url(page), edited(page, _publish="Save and publish"))
    assert "The last edit is yours" in client.get(change_url(page)).content.decode()
    page.refresh_from_db()
    assert NEW_WORDS not in page.body and page.review_status == DRAFT


def test_publish_requires_approval_is_read_strictly(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from radiology_guide.config import env_bool

    monkeypatch.setenv("PUBLISH_REQUIRES_APPROVAL", "ture")
    with pytest.raises(ImproperlyConfigured, match="PUBLISH_REQUIRES_APPROVAL"):
        env_bool("PUBLISH_REQUIRES_APPROVAL")


# Sync and history


def test_sync_never_overwrites_an_unpublished_draft(editor, page, content_copy):
    root = content_copy
    draft_page = drafts.with_draft(Page.objects.get(pk=page.pk))
    draft_page.body += "\n\nAn editor's draft."
    drafts.save_draft(draft_page, editor)
    path = next(root.glob("sections/*-what-to-expect.md"))
    path.write_text(path.read_text() + "\nA change in the file.\n")
    report = sync_content(root)
    assert any("has an unpublished draft" in conflict for conflict in report.conflicts)
    assert "An editor's draft." in Draft.objects.get().fields["body"]
    assert "A change in the file." not in Page.objects.get(pk=page.pk).body


def test_the_first_version_from_the_files_is_in_the_history(page):
    first = Revision.objects.filter(model="page", object_id=page.pk, action="synced").get()
    assert first.fields["body"] == page.body and first.saved_by is None


def test_a_revision_shows_word_changes_and_restores_the_old_words_as_a_draft(client, editor, reviewer, page):
    original = page.body
    client.force_login(editor)
    client.post(change_url(page), page_form(page, body=original + "\n\nFirst edit.", _publish="Publish"))
    page.refresh_from_db()
    page.approve(reviewer)
    client.post(change_url(page), page_form(page, body=original + "\n\nSecond edit.", change_note="Reworded"))
    form = client.get(change_url(page)).content.decode()
    assert "Reworded" in form and "Loaded from the content files" in form
    latest = Revision.objects.filter(model="page", object_id=page.pk).first()
    html = client.get(f"/admin/guide/revision/{latest.pk}/change/").content.decode()
    assert "<del>First</del><ins>Second</ins>" in html

    first = Revision.objects.filter(model="page", object_id=page.pk, action="synced").get()
    response = client.post(f"/admin/guide/revision/{first.pk}/restore/")
    assert response["Location"] == change_url(page)
    assert drafts.draft_of(page).fields["body"] == original
    page.refresh_from_db()
    assert page.review_status == APPROVED  # the published page and its approval are untouched until publishing
    client.post(change_url(page), page_form(drafts.with_draft(page), _publish="Publish"))
    page.refresh_from_db()
    assert page.body == original and page.review_status == DRAFT  # restored words need a fresh review


def test_deleting_glossary_terms_unlinks_them_everywhere_at_once(client, editor):
    terms = list(GlossaryTerm.objects.filter(slug__in=["radiographer", "radiologist"]))
    client.force_login(editor)
    response = client.post(
        "/admin/guide/glossaryterm/",
        {"action": "delete_selected", "_selected_action": [t.pk for t in terms], "post": "yes"},
    )
    assert response.status_code == 302
    client.logout()
    html = client.get("/guide/diagnostic-radiology/").content.decode()
    assert 'href="/glossary/#radiographer"' not in html and 'href="/glossary/#radiologist"' not in html


def test_clinic_staff_cannot_preview_or_restore(client, clinic_staff, page):
    client.force_login(clinic_staff)
    assert client.get(f"/admin/guide/page/{page.pk}/preview/").status_code in (302, 403)
    first = Revision.objects.filter(model="page", object_id=page.pk).first()
    assert client.post(f"/admin/guide/revision/{first.pk}/restore/").status_code == 403
    assert Permission.objects.filter(codename="publish_content").exists()


# What is waiting: the admin home panel and the daily email


def test_the_admin_home_lists_drafts_and_pages_due_or_overdue_for_review(client, editor, page):
    today = timezone.localdate()
    Page.objects.filter(slug="ct-scan").update(next_review_due=today + datetime.timedelta(days=10))
    Page.objects.filter(slug="tips").update(next_review_due=today - datetime.timedelta(days=1))
    client.force_login(editor)
    client.post(change_url(page), edited(page, change_note="Added parking"))
    html = client.get("/admin/").content.decode()
    drafts, due, overdue = (
        html.split('id="waiting-drafts"')[1].split('id="waiting-due"')[0],
        html.split('id="waiting-due"')[1].split('id="waiting-overdue"')[0],
        html.split('id="waiting-overdue"')[1].split("</div>")[0],
    )
    assert page.title in drafts and "Added parking" in drafts
    assert "CT scan" in due and "TIPS" not in due
    assert "TIPS" in overdue and "CT scan" not in overdue


def test_the_daily_reminder_emails_content_editors_what_is_waiting(editor, clinic_staff, page, mailoutbox):
    from radiology_guide.guide.tasks import send_review_reminders

    Page.objects.filter(slug="tips").update(next_review_due=timezone.localdate() - datetime.timedelta(days=1))
    draft_page = drafts.with_draft(Page.objects.get(pk=page.pk))
    draft_page.body += "\n\nA draft."
    drafts.save_draft(draft_page, editor, "Added a sentence")
    assert send_review_reminders.enqueue().return_value == 1
    [message] = mailoutbox
    assert message.to == ["editor@example.com"]  # not clinic staff
    tips = Page.objects.get(slug="tips")
    assert f"- {page.title} (saved" in message.body and f"- {tips.title} (was due" in message.body


def test_exporting_published_edits_keeps_a_revision_and_never_writes_a_draft(editor, page, content_copy):
    from radiology_guide.guide.sync import export_content

    root = content_copy
    page.body += "\n\nA published edit."
    publishing.publish(page, editor)
    drafted = drafts.with_draft(Page.objects.get(slug="ct-scan"))
    drafted.body += "\n\nAn unpublished draft."
    drafts.save_draft(drafted, editor)
    export_content(root)
    text = next(root.glob("sections/*-what-to-expect.md")).read_text()
    assert "A published edit." in text
    assert "An unpublished draft." not in (root / "procedures" / "ct-scan.md").read_text()
    assert Revision.objects.filter(model="page", object_id=page.pk, action="exported").exists()
