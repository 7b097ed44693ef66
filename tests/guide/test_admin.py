"""Content editors change the guide in Django admin; clinicians approve it."""

import json
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from radiology_guide.guide import drafts, publishing
from radiology_guide.guide.models import APPROVED, DRAFT, FAQ, GlossaryTerm, Page, Revision
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


def test_publishing_an_edited_faq_returns_the_approved_faq_page_to_draft_on_its_record(reviewer, editor):
    Page.objects.get(slug="faqs").approve(reviewer)
    faq = FAQ.objects.first()
    faq.answer += " Plus one."
    publishing.publish(faq, editor)
    page = Page.objects.get(slug="faqs")
    assert page.review_status == DRAFT
    # The page's history says why: a publishing step, not a silent update.
    latest = Revision.objects.filter(model="page", object_id=page.pk).latest("saved_at")
    assert latest.note == f"Changed FAQ '{faq.anchor}'" and latest.saved_by == editor


def test_saving_an_faq_outside_publishing_leaves_its_page_as_it_was(reviewer):
    # Only guide/publishing.py changes a page's review record.
    Page.objects.get(slug="faqs").approve(reviewer)
    faq = FAQ.objects.first()
    faq.answer += " Plus one."
    faq.save()
    assert Page.objects.get(slug="faqs").review_status == APPROVED


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


# Issue 19 item 3: safety content is edited in plain boxes, not as JSON.


def safety_form(page, **changes):
    """The admin form's data for a scan or procedure page as its plain boxes
    send it: one sentence a line per warning tier, a row per risk (and two
    empty rows), preparation's named boxes, the dose source's name and address."""
    data = page_form(page)
    for name in ("dose_source", "preparation", "warning_signs", "risks"):
        del data[name]
    for tier, signs in page.warning_signs.items():
        data[f"warning_signs-{tier}"] = "\r\n".join(signs)  # as a browser sends a textarea's lines
    for key in ("eating_and_drinking", "medicines", "what_to_bring", "other"):
        data[f"preparation-{key}"] = page.preparation.get(key, "")
    data["dose_source-name"] = (page.dose_source or {}).get("name", "")
    data["dose_source-url"] = (page.dose_source or {}).get("url", "")
    rows = [*page.risks, *[{"what": "", "how_often": "", "source": {"name": "", "url": ""}}] * 2]
    data["risks-what"] = [risk["what"] for risk in rows]
    data["risks-how_often"] = [risk["how_often"] for risk in rows]
    data["risks-source_name"] = [risk["source"]["name"] for risk in rows]
    data["risks-source_url"] = [risk["source"]["url"] for risk in rows]
    data.update(changes)
    return data


def test_safety_content_is_shown_in_plain_boxes_without_json(client, editor):
    page = Page.objects.get(slug="ct-scan")
    client.force_login(editor)
    html = client.get(change_url(page)).content.decode()
    for label in ("Call 999", "Call us or 111", "Tell us at your next visit", "Eating and drinking", "How often"):
        assert f">{label}" in html
    assert 'name="warning_signs-call_999"' in html and 'name="preparation-medicines"' in html
    assert html.count('name="risks-how_often"') == len(page.risks) + 2  # the risks, and 2 empty rows
    assert f'value="{page.dose_source["url"]}"' in html
    first, second = page.warning_signs["call_999"]
    assert f"{first}\n{second}</textarea>" in html
    for name in ("warning_signs", "risks", "preparation", "dose_source"):
        assert f'name="{name}"' not in html
    assert "{&quot;" not in html and '{"' not in html


def test_an_editor_adds_a_warning_sign_on_its_own_line_and_patients_see_it(client, editor):
    page = Page.objects.get(slug="ct-scan")
    client.force_login(editor)
    sign = "You feel faint or sick for more than a day after the scan."
    lines = "\r\n".join([*page.warning_signs["call_111_or_unit"], sign])
    data = safety_form(page, **{"warning_signs-call_111_or_unit": lines, "_publish": "Save and publish"})
    response = client.post(change_url(page), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page.refresh_from_db()
    assert page.warning_signs["call_111_or_unit"][-1] == sign
    assert sign in client.get("/procedures/ct-scan/").content.decode()


def test_an_editor_adds_a_risk_in_an_empty_row_and_clears_a_row_to_remove_one(client, editor):
    page = Page.objects.get(slug="ct-scan")
    client.force_login(editor)
    data = safety_form(page, _publish="Save and publish")
    count = len(page.risks)
    data["risks-what"][count] = "The cannula leaves a small bruise."
    data["risks-how_often"][count] = "about 1 in 20"
    data["risks-source_name"][count] = "NHS website, CT scan"
    data["risks-source_url"][count] = "https://www.nhs.uk/tests-and-treatments/ct-scan/"
    for name in ("risks-what", "risks-how_often", "risks-source_name", "risks-source_url"):
        data[name][0] = ""
    assert client.post(change_url(page), data).status_code == 302
    page.refresh_from_db()
    assert len(page.risks) == count and page.risks[-1]["how_often"] == "about 1 in 20"
    assert page.risks[-1]["source"] == {
        "name": "NHS website, CT scan",
        "url": "https://www.nhs.uk/tests-and-treatments/ct-scan/",
    }


def test_saving_the_plain_boxes_unchanged_keeps_the_approval(client, reviewer):
    page = Page.objects.get(slug="ct-scan")
    page.approve(reviewer)
    client.force_login(reviewer)
    assert client.post(change_url(page), safety_form(page)).status_code == 302
    page.refresh_from_db()
    assert page.review_status == APPROVED
    assert not drafts.draft_of(page)


def _risk(index, **values):
    """Changes to risk ``index`` (0-based) of ct-scan's plain boxes."""

    def change(data):
        for name, value in values.items():
            data[f"risks-{name}"][index] = value

    return change


def _box(name, value):
    return lambda data: data.__setitem__(name, value)


# What the editor gets wrong, and where the message says it is (guide/safety.py's rules).
SAFETY_MISTAKES = [
    ("how often", _risk(1, how_often="often"), "Risk 2, how often: write 'about 1 in N'"),
    ("no what", _risk(2, what=""), "Risk 3, what: write"),
    ("a home page", _risk(0, source_url="https://www.nhs.uk/"), "Risk 1, source address:"),
    ("http", _risk(0, source_url="http://example.org/leaflet.pdf"), "must start with https://"),
    ("a list", _box("warning_signs-next_visit", "A bruise.\r\n- Any rash"), "Tell us at your next visit, line 2:"),
    ("no 999 sign", _box("warning_signs-call_999", ""), "Call 999: "),
    ("no medicines", _box("preparation-medicines", ""), "Preparation, medicines: write"),
    ("dose source", _box("dose_source-url", "ftp://example.org/doses"), "Dose source, address:"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "mistake", "message"), SAFETY_MISTAKES, ids=[m[0] for m in SAFETY_MISTAKES])
def test_a_mistake_in_the_safety_boxes_is_named_by_its_line(client, editor, name, mistake, message):
    page = Page.objects.get(slug="ct-scan")
    before = page.reviewed_text()
    client.force_login(editor)
    data = safety_form(page, _publish="Save and publish")
    mistake(data)
    response = client.post(change_url(page), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html.replace("&#x27;", "'")
    assert "Enter a valid JSON" not in html and "how_often must be" not in html
    page.refresh_from_db()
    assert page.reviewed_text() == before


# Issue 19 item 4: clinicians are told what is waiting, and approve from the preview.

NEW_SENTENCE = "You can park in the car park behind the clinic."


@pytest.fixture
def second_clinician(django_user_model):
    from django.contrib.auth.models import Group, Permission

    user = django_user_model.objects.create_user(
        "dr-patel", "patel@example.com", "a-long-test-password", is_staff=True, first_name="Ravi", last_name="Patel"
    )
    user.groups.add(Group.objects.get(name="Content editors"))
    user.user_permissions.add(Permission.objects.get(codename="approve_page"))
    return user


def drafted(user, slug="what-to-expect"):
    """A draft of a page by ``user``: one new sentence at the end."""
    page = drafts.with_draft(Page.objects.get(slug=slug))
    page.body += f"\n\n## Parking\n\n{NEW_SENTENCE}"
    drafts.save_draft(page, user, "Added parking")
    return page


def test_the_admin_home_lists_the_pages_awaiting_their_first_clinical_review(client, editor, reviewer):
    Page.objects.get(slug="ct-scan").approve(reviewer)
    awaiting = Page.objects.exclude(review_status=APPROVED)
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    assert f"Pages awaiting their first clinical review ({awaiting.count()})" in html
    tips = Page.objects.get(slug="tips")
    assert f'<a href="{change_url(tips)}">{tips.title}</a>' in html
    assert f'<a href="{change_url(Page.objects.get(slug="ct-scan"))}">' not in html


def test_asking_for_clinical_approval_emails_each_clinician_the_signed_preview_link(
    client, editor, reviewer, second_clinician, clinic_staff, mailoutbox, django_capture_on_commit_callbacks
):
    page = drafted(editor)
    client.force_login(editor)
    form = client.get(change_url(page)).content.decode()
    assert "Ask for clinical approval" in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/guide/page/{page.pk}/ask-for-approval/", follow=True)
    assert "Asked 2 clinicians for their approval by email." in response.content.decode()
    [message] = mailoutbox
    assert sorted(message.to) == ["jones@example.com", "patel@example.com"]  # not the editor, not clinic staff
    assert page.title in message.subject
    link = re.search(r"http://\S+/preview/\S+/", message.body).group(0)
    client.logout()
    assert NEW_SENTENCE in client.get(urlsplit(link).path).content.decode()


def test_only_someone_who_may_change_the_page_can_ask_for_approval(client, clinic_staff, mailoutbox):
    page = Page.objects.get(slug="tips")
    client.force_login(clinic_staff)
    assert client.post(f"/admin/guide/page/{page.pk}/ask-for-approval/").status_code in (302, 403)
    assert mailoutbox == []


def test_a_clinician_approves_and_publishes_from_the_preview(client, editor, reviewer):
    page = drafted(editor)
    client.force_login(reviewer)
    preview_html = client.get(f"/admin/guide/page/{page.pk}/preview/").content.decode()
    assert "Approve and publish" in preview_html
    response = client.post(f"/admin/guide/page/{page.pk}/approve-and-publish/", follow=True)
    assert "Approved and published: patients now see this version." in response.content.decode()
    page.refresh_from_db()
    assert page.review_status == APPROVED and page.approved_by == reviewer and NEW_SENTENCE in page.body
    client.logout()
    html = client.get("/guide/what-to-expect/").content.decode()
    assert NEW_SENTENCE in html and "Not yet checked by our radiologists" not in html


@pytest.mark.parametrize("approval_required", [True, False])
def test_a_clinician_cannot_approve_their_own_edit_from_the_preview(client, settings, reviewer, approval_required):
    settings.PUBLISH_REQUIRES_APPROVAL = approval_required
    page = drafted(reviewer)
    client.force_login(reviewer)
    preview_html = client.get(f"/admin/guide/page/{page.pk}/preview/").content.decode()
    assert "The last edit is yours" in preview_html and "Approve and publish" not in preview_html
    response = client.post(f"/admin/guide/page/{page.pk}/approve-and-publish/", follow=True)
    assert "The last edit is yours" in response.content.decode()
    page.refresh_from_db()
    assert page.review_status == DRAFT and NEW_SENTENCE not in page.body


def test_an_editor_without_the_approve_permission_cannot_approve_and_publish(client, editor, second_clinician):
    page = drafted(second_clinician)
    client.force_login(editor)
    assert "Approve and publish" not in client.get(f"/admin/guide/page/{page.pk}/preview/").content.decode()
    client.post(f"/admin/guide/page/{page.pk}/approve-and-publish/")
    page.refresh_from_db()
    assert page.review_status == DRAFT and NEW_SENTENCE not in page.body


def test_a_clinician_approves_and_publishes_from_the_revision_diff(client, editor, reviewer):
    from radiology_guide.guide.models import Revision

    page = drafted(editor)
    revision = Revision.objects.filter(model="page", object_id=page.pk, action="draft").first()
    client.force_login(reviewer)
    html = client.get(f"/admin/guide/revision/{revision.pk}/change/").content.decode()
    assert "Approve and publish" in html and f'formaction="/admin/guide/page/{page.pk}/approve-and-publish/"' in html
    client.post(f"/admin/guide/page/{page.pk}/approve-and-publish/")
    page.refresh_from_db()
    assert page.review_status == APPROVED and NEW_SENTENCE in page.body


def test_the_preview_marks_what_differs_from_the_live_page(client, editor):
    page = Page.objects.get(slug="what-to-expect")
    client.force_login(editor)
    data = page_form(page, body=page.body.replace("## ", f"{NEW_SENTENCE}\n\n## ", 1))
    client.post(change_url(page), data)
    html = client.get(f"/admin/guide/page/{page.pk}/preview/").content.decode()
    assert f'<ins class="preview-change">{NEW_SENTENCE}</ins>' in html
    assert html.count('class="preview-change"') == 1  # nothing else changed
    assert "Changes from the published page are marked" in html


def test_the_preview_marks_a_changed_warning_sign(client, editor):
    page = Page.objects.get(slug="ct-scan")
    old = page.warning_signs["next_visit"][1]
    client.force_login(editor)
    new = old.replace("2 weeks", "3 weeks")
    lines = "\r\n".join([page.warning_signs["next_visit"][0], new])
    client.post(change_url(page), safety_form(page, **{"warning_signs-next_visit": lines}))
    html = client.get(f"/admin/guide/page/{page.pk}/preview/").content.decode()
    assert '<del class="preview-change">2</del><ins class="preview-change">3</ins>' in html
    assert client.get("/procedures/ct-scan/").content.decode().count("preview-change") == 0


def test_no_save_and_publish_button_for_someone_who_cannot_publish(
    client, settings, editor, reviewer, django_user_model
):
    settings.PUBLISH_REQUIRES_APPROVAL = True
    page = drafted(reviewer)
    client.force_login(editor)  # may publish, but publishing is a clinician's approval now
    assert 'name="_publish"' not in client.get(change_url(page)).content.decode()
    client.force_login(reviewer)  # the last edit is theirs
    assert 'name="_publish"' not in client.get(change_url(page)).content.decode()
    drafts.save_draft(drafts.with_draft(Page.objects.get(pk=page.pk)), editor, "Tidied")
    # Still not: some of the changes since the last approval are theirs (issue 19, item 14).
    assert 'name="_publish"' not in client.get(change_url(page)).content.decode()
    colleague = django_user_model.objects.create_user("dr-patel", password="a-long-test-password", is_staff=True)
    colleague.groups.add(*reviewer.groups.all())
    colleague.user_permissions.add(*reviewer.user_permissions.all())
    client.force_login(colleague)
    assert 'name="_publish"' in client.get(change_url(page)).content.decode()  # none of it is theirs
