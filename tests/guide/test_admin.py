"""Content editors change the guide in Django admin; clinicians approve it."""

import json

import pytest
from django.utils import timezone

from radiology_guide.guide.models import APPROVED, DRAFT, FAQ, GlossaryTerm, Page

pytestmark = pytest.mark.django_db


def change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def page_form(page, **changes):
    """The admin form's data for ``page`` as it is, with ``changes``."""
    radiation = {True: "true", False: "false", None: "unknown"}[page.ionising_radiation]
    data = {
        "title": page.title, "slug": page.slug, "kind": page.kind, "summary": page.summary, "order": page.order,
        "body": page.body, "caption": page.caption, "duration": page.duration, "ionising_radiation": radiation,
        "dose_band": page.dose_band, "dose": page.dose, "sedation": page.sedation, "usual_stay": page.usual_stay,
        "review_status": page.review_status,
    }  # fmt: skip
    if page.sedation_aftercare:
        data["sedation_aftercare"] = "on"
    for name in ("sources", "related", "dose_source", "preparation", "warning_signs", "risks"):
        data[name] = json.dumps(getattr(page, name))
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
    today = timezone.localdate()
    assert f"Clinically reviewed on {today.day} {today:%B %Y} by Asha Jones, Consultant radiologist" in html


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


# Issue 12 item 5: every field a patient sees is part of what a clinician approves.
APPROVED_FACTS = [
    ("radiation facts", {"ionising_radiation": "false", "dose_band": "none", "dose": "", "dose_source": "{}"}),
    ("dose band", {"dose_band": "high"}),
    ("dose", {"dose": "About 20 mSv, the same as 9 years of natural background radiation."}),
    ("sources", {"sources": '[{"name": "NHS website, CT scan", "url": "https://www.nhs.uk/tests-and-treatments/ct-scan/"}]'}),
    ("related pages", {"related": '["mri-scan"]'}),
    ("sedation", {"sedation": "Deep sedation for everyone."}),
    ("sedation aftercare", {"sedation_aftercare": "toggle"}),
    ("usual stay", {"usual_stay": "You stay 2 nights."}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "change"), APPROVED_FACTS, ids=[name for name, _ in APPROVED_FACTS])
def test_changing_anything_a_patient_sees_returns_an_approved_page_to_draft(client, reviewer, name, change):
    page = Page.objects.get(slug="ct-scan")
    page.approve(reviewer)
    client.force_login(reviewer)
    data = page_form(page, **change)
    if data.get("sedation_aftercare") == "toggle":  # a ticked box is sent as "on", an unticked one not at all
        del data["sedation_aftercare"]
        if not page.sedation_aftercare:
            data["sedation_aftercare"] = "on"
    response = client.post(change_url(page), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page.refresh_from_db()
    assert page.review_status == DRAFT
    assert page.approved_on is None and page.last_reviewed is None and page.next_review_due is None
    client.logout()
    html = client.get("/procedures/ct-scan/").content.decode()
    assert "Not yet checked by our radiologists" in html and "Clinically reviewed" not in html


@pytest.mark.parametrize("field", ["preparation", "warning_signs", "risks", "next_review_due"])
def test_changing_safety_content_or_review_dates_returns_an_approved_page_to_draft(reviewer, field):
    page = Page.objects.get(slug="ct-scan")
    page.approve(reviewer)
    value = getattr(page, field)
    if field == "next_review_due":  # not in the admin form, but no code path may move it quietly
        page.next_review_due = value.replace(year=value.year + 10)
    elif field == "risks":
        value[0]["how_often"] = "about 1 in 3"
    elif field == "preparation":
        value["eating_and_drinking"] = "Do not eat for 6 hours before."
    else:
        value["next_visit"] = [*value["next_visit"], "You feel tired for more than a week."]
    page.save()
    page.refresh_from_db()
    assert page.review_status == DRAFT


def test_saving_an_approved_page_unchanged_keeps_the_approval(client, reviewer):
    page = Page.objects.get(slug="ct-scan")
    page.approve(reviewer)
    client.force_login(reviewer)
    assert client.post(change_url(page), page_form(page)).status_code == 302
    page.refresh_from_db()
    assert page.review_status == APPROVED


# Issue 12 item 6 and issue 13: sources are web addresses of specific pages.
BAD_SOURCES = [
    ("javascript", "javascript:alert(document.cookie)", "must start with https:// or http://"),
    ("data", "data:text/html;base64,PHNjcmlwdD4=", "must start with https:// or http://"),
    ("no scheme", "www.nhs.uk/conditions/", "must start with https:// or http://"),
    ("home page", "https://www.nhs.uk/", "is a home page"),
    ("bare domain", "https://www.nhs.uk", "is a home page"),
]


@pytest.mark.parametrize(("name", "url", "message"), BAD_SOURCES, ids=[b[0] for b in BAD_SOURCES])
def test_admin_refuses_a_source_that_is_not_a_specific_web_page(client, editor, name, url, message):
    page = Page.objects.get(slug="what-to-expect")
    client.force_login(editor)
    response = client.post(change_url(page), page_form(page, sources=json.dumps([{"name": "Evil", "url": url}])))
    assert response.status_code == 200
    assert message in response.content.decode()
    page.refresh_from_db()
    assert all(source["url"] != url for source in page.sources)


def test_admin_accepts_http_and_https_sources_of_specific_pages(client, editor):
    page = Page.objects.get(slug="what-to-expect")
    sources = [
        {"name": "NHS website, MRI scan", "url": "https://www.nhs.uk/tests-and-treatments/mri-scan/"},
        {"name": "An older leaflet", "url": "http://example.org/leaflets/mri.pdf"},
    ]
    client.force_login(editor)
    assert client.post(change_url(page), page_form(page, sources=json.dumps(sources))).status_code == 302
    html = client.get(page.get_absolute_url()).content.decode()
    assert '<a href="http://example.org/leaflets/mri.pdf">An older leaflet</a>' in html


def test_a_javascript_source_stored_anyhow_is_never_rendered_as_a_link(client):
    # Rows written before validation existed, or straight to the database.
    from radiology_guide.guide.prerender import prerender_all

    Page.objects.filter(slug="what-to-expect").update(
        sources=[{"name": "Click me", "url": "javascript:alert(1)"}, {"name": "Data", "url": "data:text/html,hi"}]
    )
    prerender_all()  # as the next sync or save would
    html = client.get("/guide/what-to-expect/").content.decode()
    assert "Click me" in html and "Data" in html
    assert "javascript:" not in html and "data:text" not in html


def test_a_page_cannot_be_saved_with_a_javascript_source():
    from django.core.exceptions import ValidationError

    page = Page.objects.get(slug="what-to-expect")
    page.sources = [{"name": "Click me", "url": "javascript:alert(1)"}]
    with pytest.raises(ValidationError):
        page.save()
