"""Content editors change the guide in Django admin; clinicians approve it."""

import json

import pytest
from django.utils import timezone

from radiology_guide.guide import publishing
from radiology_guide.guide.models import APPROVED, DRAFT, FAQ, GlossaryTerm, Page
from tests.helpers import change_url, page_form

pytestmark = pytest.mark.django_db


def test_an_editors_published_change_shows_on_the_public_page_at_once(client, editor):
    page = Page.objects.get(slug="what-to-expect")
    client.get(page.get_absolute_url())  # now cached, if caching is on
    client.force_login(editor)
    body = page.body + "\n\n## Parking\n\nThere is a car park."
    response = client.post(change_url(page), page_form(page, body=body, _publish="Save and publish"))
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
    assert f"Page last reviewed</dt><dd>{today.day} {today:%B %Y}" in html
    assert "Reviewed by</dt><dd>Asha Jones, Consultant radiologist" in html


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


def test_a_new_glossary_term_links_on_pages_straight_away(client, editor):
    term = GlossaryTerm(term="Car park", slug="car-park", definition="A place to leave your car.")
    publishing.create(term, editor)
    page = Page.objects.get(slug="what-to-expect")
    page.body += "\n\nThere is a car park nearby."
    publishing.publish(page, editor)
    assert 'href="/glossary/#car-park"' in client.get(page.get_absolute_url()).content.decode()


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
    data = page_form(page, **change, _publish="Save and publish")
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
    assert "Not yet checked by our radiologists" in html and "Page last reviewed" not in html


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
# In admin, sources are rows of name and address, https only (issue 14).
BAD_SOURCES = [
    ("javascript", "javascript:alert(document.cookie)", "must start with https://"),
    ("data", "data:text/html;base64,PHNjcmlwdD4=", "must start with https://"),
    ("no scheme", "www.nhs.uk/conditions/", "must start with https://"),
    ("plain http", "http://example.org/leaflets/mri.pdf", "must start with https://"),
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


def test_an_editor_adds_a_source_in_an_empty_row_and_patients_see_the_link(client, editor):
    page = Page.objects.get(slug="what-to-expect")
    client.force_login(editor)
    form = client.get(change_url(page)).content.decode()
    assert form.count('name="sources-url"') == len(page.sources) + 3  # the sources, and 3 empty rows
    data = page_form(page, _publish="Save and publish")
    data["sources-name"] += ["NHS website, MRI scan", ""]
    data["sources-url"] += ["https://www.nhs.uk/tests-and-treatments/mri-scan/", ""]
    assert client.post(change_url(page), data).status_code == 302
    html = client.get(page.get_absolute_url()).content.decode()
    assert '<a href="https://www.nhs.uk/tests-and-treatments/mri-scan/">NHS website, MRI scan</a>' in html


def test_a_source_with_a_name_but_no_address_is_refused(client, editor):
    page = Page.objects.get(slug="what-to-expect")
    client.force_login(editor)
    data = page_form(page)
    data["sources-name"] += ["A leaflet"]
    data["sources-url"] += [""]
    assert "Give each source both a name and a web address." in client.post(change_url(page), data).content.decode()


def test_related_pages_are_chosen_from_a_list_and_keep_their_order(client, editor):
    page = Page.objects.get(slug="ct-scan")
    client.force_login(editor)
    form = client.get(change_url(page)).content.decode()
    assert f'type="checkbox" name="related_pages" value="{Page.objects.get(slug=page.related[0]).pk}"' in form
    extra = Page.objects.filter(kind="procedure").exclude(slug__in=page.related).first()
    data = page_form(page, related=json.dumps([*page.related, extra.slug]), _publish="Save and publish")
    client.post(change_url(page), data)
    page.refresh_from_db()
    assert page.related[-1] == extra.slug and len(page.related) == len(set(page.related))
    assert f'<a href="/procedures/{extra.slug}/">' in client.get("/procedures/ct-scan/").content.decode()


def test_scan_facts_are_only_on_scan_and_procedure_forms_and_the_body_has_room(client, editor):
    client.force_login(editor)
    section = client.get(change_url(Page.objects.get(slug="what-to-expect"))).content.decode()
    scan = client.get(change_url(Page.objects.get(slug="ct-scan"))).content.decode()
    assert "Scan or procedure facts" not in section and 'name="dose_band"' not in section
    assert "Scan or procedure facts" in scan and 'name="dose_band"' in scan
    assert 'rows="30"' in section and 'class="body-editor' in section
    assert "Flesch-Kincaid grade" in section and "SMOG" in section


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
