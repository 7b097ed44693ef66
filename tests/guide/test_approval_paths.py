"""With PUBLISH_REQUIRES_APPROVAL, every path that changes what a patient
reads (adding, editing, deleting, restoring, pictures, the clinic's details,
synonyms, bulk actions, files) puts nothing in front of a patient until a
clinician other than its author has approved it (issue 19, items 12 to 14)."""

import pytest
from django.contrib.auth.models import Group, Permission

from radiology_guide.core.models import ClinicDetails
from radiology_guide.guide import drafts, publishing
from radiology_guide.guide.models import APPROVED, DRAFT, FAQ, Draft, Page, Revision, Synonym
from radiology_guide.guide.sync import sync_content
from tests.helpers import change_url, page_form

pytestmark = pytest.mark.django_db

NEW_QUESTION = "Can I park at the clinic?"
NEW_WORDS = "You can park in the car park behind the clinic."


@pytest.fixture
def approval(settings):
    settings.PUBLISH_REQUIRES_APPROVAL = True


@pytest.fixture
def second_reviewer(django_user_model):
    user = django_user_model.objects.create_user(
        "dr-okafor", "okafor@example.com", "a-long-test-password", is_staff=True, first_name="Ife", last_name="Okafor"
    )
    user.groups.add(Group.objects.get(name="Content editors"))
    user.user_permissions.add(Permission.objects.get(codename="approve_page"))
    return user


@pytest.fixture
def writer(django_user_model):
    """A content editor who may save drafts but not publish them."""
    user = django_user_model.objects.create_user("writer", "writer@example.com", "a-long-test-password", is_staff=True)
    for permission in Group.objects.get(name="Content editors").permissions.exclude(codename="publish_content"):
        user.user_permissions.add(permission)
    return user


@pytest.fixture
def approved_faqs(reviewer):
    page = Page.objects.get(slug="faqs")
    page.approve(reviewer)
    return page


def new_faq(**changes):
    return {"group": "On the day", "question": NEW_QUESTION, "anchor": "parking", "answer": NEW_WORDS, "order": 99} | (
        changes
    )


def faq_form(faq, **changes):
    return {name: getattr(faq, name) for name in faq.FILE_FIELDS} | changes


def publish_drafts(client, *drafts):
    return client.post(
        "/admin/guide/draft/", {"action": "publish_drafts", "_selected_action": [draft.pk for draft in drafts]}
    )


def public(client, path):
    client.logout()
    return client.get(path).content.decode()


# 12. Adding content


def test_with_approval_required_an_editors_new_faq_waits_for_a_clinician(
    client, approval, editor, reviewer, approved_faqs
):
    client.force_login(editor)
    response = client.post("/admin/guide/faq/add/", new_faq(change_note="Parking"))
    assert response.status_code == 302
    assert not FAQ.objects.filter(anchor="parking").exists()
    assert NEW_QUESTION not in public(client, "/faqs/")
    [draft] = Draft.objects.filter(model="faq", object_id=None)
    assert draft.saved_by == editor

    client.force_login(reviewer)
    assert publish_drafts(client, draft).status_code == 302
    html = public(client, "/faqs/")
    assert NEW_QUESTION in html and "Page last reviewed" in html
    faqs = Page.objects.get(slug="faqs")
    assert faqs.approved_by == reviewer
    assert Revision.objects.filter(model="page", object_id=faqs.pk, action="approved", note__contains="parking")


def test_a_clinician_cannot_publish_their_own_new_faq(client, approval, reviewer):
    client.force_login(reviewer)
    client.post("/admin/guide/faq/add/", new_faq())
    publish_drafts(client, Draft.objects.get(object_id=None))
    assert not FAQ.objects.filter(anchor="parking").exists()
    assert NEW_QUESTION not in public(client, "/faqs/")


def test_without_approval_an_addition_by_someone_who_cannot_publish_is_a_draft(client, writer, editor):
    client.force_login(writer)
    assert client.post("/admin/guide/faq/add/", new_faq()).status_code == 302
    assert NEW_QUESTION not in public(client, "/faqs/")
    client.force_login(editor)
    publish_drafts(client, Draft.objects.get(object_id=None))
    assert NEW_QUESTION in public(client, "/faqs/")


def test_a_draft_of_a_new_faq_is_listed_as_waiting_and_its_words_can_be_read(client, writer):
    client.force_login(writer)
    client.post("/admin/guide/faq/add/", new_faq())
    draft = Draft.objects.get(object_id=None)
    home = client.get("/admin/").content.decode()
    assert NEW_QUESTION in home and f"/admin/guide/draft/{draft.pk}/change/" in home
    assert NEW_WORDS in client.get(f"/admin/guide/draft/{draft.pk}/change/").content.decode()


# 13. Changes outside the page form


@pytest.fixture
def picture_on_approved_page(reviewer, settings, tmp_path):
    from tests.helpers import make_image

    settings.MEDIA_ROOT = tmp_path / "media"
    image = make_image("knee-scan", alt="A scan of a knee.")
    page = Page.objects.get(slug="what-to-expect")
    page.body += "\n\n![](image:knee-scan)\n"
    page.save()
    page.approve(reviewer)
    publishing.after_change(saved=[page])
    return image, page


def test_an_editor_who_cannot_approve_cannot_change_a_picture_on_an_approved_page(
    client, approval, editor, second_reviewer, picture_on_approved_page
):
    image, page = picture_on_approved_page
    form = {"alt": "Something else entirely.", "caption": "A new caption", "credit": "", "licence": ""}
    client.force_login(editor)
    assert client.post(f"/admin/images/image/{image.pk}/change/", form).status_code == 403
    html = public(client, page.get_absolute_url())
    assert 'alt="A scan of a knee."' in html and "A new caption" not in html

    client.force_login(second_reviewer)
    assert client.post(f"/admin/images/image/{image.pk}/change/", form).status_code == 302
    html = public(client, page.get_absolute_url())
    assert 'alt="Something else entirely."' in html and "<dd>Ife Okafor" in html
    note = Revision.objects.filter(model="page", object_id=page.pk).first().note
    assert "knee-scan" in note


def test_an_editor_who_cannot_approve_cannot_delete_an_faq(client, approval, editor, approved_faqs):
    faq = FAQ.objects.order_by("order").first()
    client.force_login(editor)
    assert client.post(f"/admin/guide/faq/{faq.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(
        "/admin/guide/faq/", {"action": "delete_selected", "_selected_action": [faq.pk], "post": "yes"}, follow=True
    )
    assert FAQ.objects.filter(pk=faq.pk).exists()
    assert faq.question in public(client, "/faqs/")


def test_a_clinicians_deletion_of_an_faq_is_their_approval(client, approval, second_reviewer, approved_faqs):
    faq = FAQ.objects.order_by("order").first()
    client.force_login(second_reviewer)
    assert client.post(f"/admin/guide/faq/{faq.pk}/delete/", {"post": "yes"}).status_code == 302
    assert faq.question not in public(client, "/faqs/")
    faqs = Page.objects.get(slug="faqs")
    assert faqs.approved_by == second_reviewer
    assert faq.anchor in Revision.objects.filter(model="page", object_id=faqs.pk).first().note


def test_an_editor_who_cannot_approve_cannot_change_the_clinics_phone_number(client, approval, editor):
    client.force_login(editor)
    details = ClinicDetails.load()
    form = {
        "name": details.name, "phone": "0900 123 456", "email": details.email, "address": details.address,
        "opening_hours": details.opening_hours, "working_days": details.working_days,
        "bank_holidays": details.bank_holidays,
    }  # fmt: skip
    client.post("/admin/core/clinicdetails/1/change/", form)
    assert ClinicDetails.objects.get().phone == details.phone
    assert "0900 123 456" not in public(client, "/procedures/ct-scan/")


def test_an_editor_who_cannot_approve_cannot_change_synonyms(client, approval, editor):
    client.force_login(editor)
    client.post("/admin/guide/synonym/add/", {"phrase": "chest pain", "url": "/procedures/ct-scan/"})
    assert not Synonym.objects.filter(phrase="chest pain").exists()


# 14. Never your own change


def test_a_clinician_cannot_publish_their_own_change_after_someone_else_touched_one_field(
    client, approval, editor, reviewer
):
    page = Page.objects.get(slug="what-to-expect")
    client.force_login(reviewer)
    client.post(change_url(page), page_form(page, body=page.body + f"\n\n{NEW_WORDS}"))
    client.force_login(editor)
    drafted = drafts.with_draft(Page.objects.get(pk=page.pk))
    client.post(change_url(page), page_form(drafted, summary=drafted.summary + " Now with parking."))
    client.force_login(reviewer)
    drafted = drafts.with_draft(Page.objects.get(pk=page.pk))
    client.post(change_url(page), page_form(drafted, _publish="Save and publish"))
    assert "changes since the last approval are yours" in client.get(change_url(page)).content.decode()
    assert NEW_WORDS not in public(client, page.get_absolute_url())


def test_a_clinician_cannot_record_approval_of_their_own_published_edit(client, reviewer, second_reviewer):
    page = Page.objects.get(slug="what-to-expect")
    client.force_login(reviewer)
    client.post(change_url(page), page_form(page, body=page.body + f"\n\n{NEW_WORDS}", _publish="Save and publish"))
    client.post("/admin/guide/page/", {"action": "approve_pages", "_selected_action": [page.pk]})
    page.refresh_from_db()
    assert NEW_WORDS in page.body and page.review_status == DRAFT

    client.force_login(second_reviewer)
    client.post("/admin/guide/page/", {"action": "approve_pages", "_selected_action": [page.pk]})
    page.refresh_from_db()
    assert page.review_status == APPROVED and page.approved_by == second_reviewer


# Restore and sync


def test_with_approval_required_a_restored_revision_waits_for_a_clinician(client, approval, editor, reviewer):
    page = Page.objects.get(slug="what-to-expect")
    first = Revision.objects.filter(model="page", object_id=page.pk).first()
    page.body += f"\n\n{NEW_WORDS}"
    publishing.publish(page, reviewer)
    client.force_login(reviewer)
    client.post(f"/admin/guide/revision/{first.pk}/restore/")
    drafted = drafts.with_draft(Page.objects.get(pk=page.pk))
    client.post(change_url(page), page_form(drafted, _publish="Save and publish"))
    assert NEW_WORDS in public(client, page.get_absolute_url())  # the restorer cannot approve their own restore


def test_restoring_a_deleted_faqs_revision_makes_it_a_draft_again(client, editor):
    faq = FAQ.objects.order_by("order").first()
    client.force_login(editor)
    client.post(f"/admin/guide/faq/{faq.pk}/delete/", {"post": "yes"})
    old = Revision.objects.filter(model="faq", object_id=faq.pk).exclude(action="deleted").first()
    response = client.post(f"/admin/guide/revision/{old.pk}/restore/", follow=True)
    assert response.status_code == 200 and "Restored as a draft" in response.content.decode()
    publish_drafts(client, Draft.objects.get(model="faq", object_id=None))
    assert faq.question in public(client, "/faqs/")


def test_with_approval_required_a_file_cannot_change_an_approved_page_without_a_new_approval(
    approval, reviewer, content_copy
):
    from radiology_guide.guide.sync import export_content

    root = content_copy
    Page.objects.get(slug="what-to-expect").approve(reviewer)
    export_content(root)  # the file now records the approval
    path = next(root.glob("sections/*-what-to-expect.md"))
    path.write_text(path.read_text() + f"\n{NEW_WORDS}\n")
    report = sync_content(root)
    page = Page.objects.get(slug="what-to-expect")
    assert NEW_WORDS not in page.body and page.review_status == APPROVED
    assert any("without a new approval" in conflict for conflict in report.conflicts)


# Low and info findings


def test_a_preview_address_that_is_not_a_number_is_not_found(client, editor):
    client.force_login(editor)
    assert client.get("/admin/guide/page/not-a-number/preview/").status_code == 404


def test_a_preview_link_names_the_draft_and_expires_with_a_newer_draft_or_a_publish(client, editor):
    page = Page.objects.get(slug="what-to-expect")
    client.force_login(editor)
    client.post(change_url(page), page_form(page, body=page.body + "\n\nFirst draft."))
    first = client.get(change_url(page)).context["preview_link"].removeprefix("http://testserver")
    drafted = drafts.with_draft(Page.objects.get(pk=page.pk))
    client.post(change_url(page), page_form(drafted, body=drafted.body + "\n\nSecond draft."))
    second = client.get(change_url(page)).context["preview_link"].removeprefix("http://testserver")
    client.logout()
    assert client.get(first).status_code == 410
    assert "Second draft." in client.get(second).content.decode()
    client.force_login(editor)
    drafted = drafts.with_draft(Page.objects.get(pk=page.pk))
    client.post(change_url(page), page_form(drafted, _publish="Save and publish"))
    client.logout()
    response = client.get(second)
    assert response.status_code == 410 and "This preview link has expired" in response.content.decode()


def test_a_preview_token_is_not_written_to_the_request_log(client, caplog):
    from radiology_guide.guide import preview

    token = preview.token_for(Page.objects.get(slug="what-to-expect"))
    with caplog.at_level("INFO", logger="radiology_guide.request"):
        client.get(f"/preview/{token}/")
    assert "path=/preview/" in caplog.text and token not in caplog.text
