"""Content editors change the guide in Django admin; clinicians approve it."""

import pytest
from django.utils import timezone

from radiology_guide.guide.models import APPROVED, DRAFT, FAQ, GlossaryTerm, Page

pytestmark = pytest.mark.django_db


def change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def page_form(page, **changes):
    data = {
        "title": page.title, "slug": page.slug, "kind": page.kind, "summary": page.summary, "order": page.order,
        "body": page.body, "caption": page.caption, "duration": page.duration, "ionising_radiation": "unknown",
        "dose_band": page.dose_band, "sedation": page.sedation, "usual_stay": page.usual_stay,
        "review_status": page.review_status, "last_reviewed": page.last_reviewed.isoformat(),
        "next_review_due": page.next_review_due.isoformat(), "reviewer_role": page.reviewer_role,
        "sources": '[{"name": "NHS website", "url": "https://www.nhs.uk/"}]', "related": "[]",
    }  # fmt: skip
    data.update(changes)
    return data


def test_an_editors_change_shows_on_the_public_page_at_once(client, editor):
    page = Page.objects.get(slug="what-to-expect")
    client.get(page.get_absolute_url())  # now cached, if caching is on
    client.force_login(editor)
    response = client.post(change_url(page), page_form(page, body=page.body + "\n\n## Parking\n\nThere is a car park."))
    assert response.status_code == 302
    client.logout()
    html = client.get(page.get_absolute_url()).content.decode()
    assert "There is a car park." in html


def test_admin_shows_a_rendered_preview(client, editor):
    client.force_login(editor)
    html = client.get(change_url(Page.objects.get(slug="ct-scan"))).content.decode()
    assert 'class="rendered-preview"' in html and "<h2 id=" in html


def test_review_overdue_filter_lists_only_overdue_pages(client, editor):
    Page.objects.filter(slug="tips").update(next_review_due=timezone.localdate() - timezone.timedelta(days=1))
    client.force_login(editor)
    html = client.get("/admin/guide/page/?review=overdue").content.decode()
    assert "TIPS" in html and "CT scan" not in html


def test_a_clinician_approves_a_page_and_the_draft_note_goes(client, reviewer):
    page = Page.objects.get(slug="ct-scan")
    client.force_login(reviewer)
    client.post("/admin/guide/page/", {"action": "approve_pages", "_selected_action": [page.pk]})
    page.refresh_from_db()
    assert page.review_status == APPROVED
    assert page.approved_by_name == "Asha Jones" and page.approved_on == timezone.localdate()
    assert page.next_review_due == page.approved_on.replace(year=page.approved_on.year + 3)
    client.logout()
    html = client.get("/procedures/ct-scan/").content.decode()
    assert "Not yet checked by our radiologists" not in html
    assert "(clinical review)" in html


def test_an_editor_without_the_permission_cannot_approve(client, editor):
    page = Page.objects.get(slug="ct-scan")
    client.force_login(editor)
    client.post("/admin/guide/page/", {"action": "approve_pages", "_selected_action": [page.pk]})
    page.refresh_from_db()
    assert page.review_status == DRAFT


def test_editing_an_approved_pages_text_returns_it_to_draft(reviewer):
    page = Page.objects.get(slug="ct-scan")
    page.approve(reviewer)
    page.body += "\n\nOne more sentence."
    page.save()
    page.refresh_from_db()
    assert page.review_status == DRAFT and page.approved_on is None


def test_editing_an_faq_returns_the_approved_faq_page_to_draft(reviewer):
    Page.objects.get(slug="faqs").approve(reviewer)
    faq = FAQ.objects.first()
    faq.answer += " Plus one."
    faq.save()
    assert Page.objects.get(slug="faqs").review_status == DRAFT


def test_a_new_glossary_term_links_on_pages_straight_away(client):
    GlossaryTerm.objects.create(term="Car park", slug="car-park", definition="A place to leave your car.")
    page = Page.objects.get(slug="what-to-expect")
    page.body += "\n\nThere is a car park nearby."
    page.save()
    assert 'href="/glossary/#car-park"' in client.get(page.get_absolute_url()).content.decode()


def test_every_admin_save_keeps_a_revision_that_can_be_compared_and_restored(client, editor, reviewer):
    from radiology_guide.guide.models import Revision

    page = Page.objects.get(slug="what-to-expect")
    original_body = page.body
    client.force_login(editor)
    client.post(change_url(page), page_form(page, body=original_body + "\n\nFirst edit."))
    page.refresh_from_db()
    client.post(change_url(page), page_form(page, body=original_body + "\n\nSecond edit."))
    revisions = list(Revision.objects.filter(model="page", object_id=page.pk))
    assert [r.saved_by for r in revisions] == [editor, editor]
    first = revisions[-1]
    assert first.fields["body"].endswith("First edit.")

    html = client.get(f"/admin/guide/revision/{first.pk}/change/").content.decode()
    assert "-First edit." in html and "+Second edit." in html

    page.refresh_from_db()
    page.approve(reviewer)
    client.post("/admin/guide/revision/", {"action": "restore", "_selected_action": [first.pk]})
    page.refresh_from_db()
    assert page.body.endswith("First edit.")
    assert page.review_status == DRAFT  # restored words need a fresh review
    assert "First edit." in client.get(page.get_absolute_url()).content.decode()


def test_clinic_staff_cannot_read_content_revisions(client, clinic_staff):
    client.force_login(clinic_staff)
    assert client.get("/admin/guide/revision/").status_code == 403
