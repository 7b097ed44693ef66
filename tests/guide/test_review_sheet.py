"""Issue 20: a review a radiologist can do in ten minutes. Each page has a
printable review sheet: every claim with a number or an instruction,
numbered, with its source and a tick box; the approval records which
version of the sheet the clinician checked."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from radiology_guide.guide.models import Page, ReviewerProfile

pytestmark = pytest.mark.django_db


def sheet_url(page):
    return f"/admin/guide/page/{page.pk}/review-sheet/"


def numbered_rows(html):
    """(number, what the page says, source cell) for each row of the sheet."""
    rows = re.findall(r'<td class="no">(\d+)</td>\s*<td>(.*?)</td>\s*<td class="source">(.*?)</td>', html, re.S)
    return [(int(number), text, source) for number, text, source in rows]


@pytest.fixture
def angioplasty():
    return Page.objects.get(slug="angioplasty-and-stenting")


def test_every_claim_with_a_number_or_an_instruction_is_numbered_with_a_tick_box(client, editor, angioplasty):
    client.force_login(editor)
    html = client.get(sheet_url(angioplasty)).content.decode()
    rows = numbered_rows(html)
    assert [number for number, _, _ in rows] == list(range(1, len(rows) + 1))
    assert html.count('class="box"') == len(rows)
    texts = [text for _, text, _ in rows]
    # A number in the body, an instruction in the body, and a sentence with neither.
    assert any("It often takes 1 to 2 hours." in text for text in texts)
    assert any(text.startswith("Tell the team if you are in pain.") for text in texts)
    assert not any("Arteries carry blood from your heart" in text for text in texts)
    # Glossary definitions shown in place are not the page's claims.
    assert not any("A medicine that numbs" in text for text in texts)
    assert html.count("<h1") == 1


def test_preparation_warning_tiers_and_risks_are_laid_out_with_each_risks_source(client, editor, angioplasty):
    client.force_login(editor)
    html = client.get(sheet_url(angioplasty)).content.decode()
    for heading in (
        "How do I prepare?",
        "When to get help: Call 999 now if",
        "When to get help: Call the unit, or 111 when it is closed, if",
        "When to get help: Tell us at the next appointment if",
        "What are the risks?",
        "After sedation (the same on every page)",
    ):
        assert f"<h2>{heading}</h2>" in html, heading
    rows = numbered_rows(html)
    for risk in angioplasty.risks:
        row = next(row for row in rows if risk["what"][:40] in row[1])
        assert f"How often: {risk['how_often']}" in row[1]
        assert f'href="{risk["source"]["url"]}"' in row[2]
    dose = next(row for row in rows if row[1].startswith("Radiation dose:"))
    assert angioplasty.dose_source["url"] in dose[2]
    first_999 = angioplasty.warning_signs["call_999"][0]
    assert any(first_999[:40] in text for _, text, _ in rows)


def test_the_sheet_has_space_for_comments_a_sign_off_and_its_version(client, editor, angioplasty):
    client.force_login(editor)
    html = client.get(sheet_url(angioplasty)).content.decode()
    assert "<h2>Comments</h2>" in html and html.count('class="lines"') >= 5
    assert "Professional registration" in html
    assert html.count(f'<span class="version">{angioplasty.review_sheet_version()}</span>') >= 2


def test_the_faq_sheet_lists_the_answers_claims(client, editor):
    client.force_login(editor)
    html = client.get(sheet_url(Page.objects.get(slug="faqs"))).content.decode()
    assert "FAQ: Can I eat and drink beforehand?" in html
    assert any("about 2 hours" in text for _, text, _ in numbered_rows(html))


def test_the_sheet_is_only_for_staff_who_can_see_pages_in_admin(client, clinic_staff, angioplasty):
    response = client.get(sheet_url(angioplasty))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(clinic_staff)
    assert client.get(sheet_url(angioplasty)).status_code == 403


def approval(page, **changes):
    return {"version": page.review_sheet_version(), "role": "Consultant radiologist",
            "registration": "HCPC RA12345", "checked": "yes"} | changes  # fmt: skip


def test_a_clinician_approves_from_the_sheet_and_the_approval_records_its_version(client, reviewer, angioplasty):
    client.force_login(reviewer)
    version = angioplasty.review_sheet_version()
    response = client.post(sheet_url(angioplasty), approval(angioplasty))
    assert response.status_code == 302 and response["Location"].endswith(f"/{angioplasty.pk}/change/")
    angioplasty.refresh_from_db()
    assert angioplasty.is_approved and angioplasty.review_sheet == version
    assert angioplasty.reviewer_registration == "HCPC RA12345"
    assert ReviewerProfile.objects.get(user=reviewer).registration == "HCPC RA12345"  # offered next time
    html = client.get(sheet_url(angioplasty)).content.decode()
    assert 'value="HCPC RA12345"' in html
    assert f"sheet {version}" in html  # the sheet says which version was approved


def test_an_approval_of_a_sheet_the_page_has_changed_since_is_refused(client, reviewer, angioplasty):
    client.force_login(reviewer)
    old = approval(angioplasty)
    angioplasty.usual_stay = "Most people stay 1 night."
    angioplasty.save()
    assert angioplasty.review_sheet_version() != old["version"]
    response = client.post(sheet_url(angioplasty), old)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "The page has changed since this sheet was made" in html
    angioplasty.refresh_from_db()
    assert not angioplasty.is_approved


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"registration": "  "}, "Enter your professional registration"),
        ({"checked": ""}, "Confirm that you have checked every item on this sheet"),
    ],
)
def test_an_approval_needs_a_registration_and_the_clinicians_confirmation(
    client, reviewer, angioplasty, changes, message
):
    client.force_login(reviewer)
    response = client.post(sheet_url(angioplasty), approval(angioplasty, **changes))
    html = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in html and html.count(message) == 2
    angioplasty.refresh_from_db()
    assert not angioplasty.is_approved


def test_an_editor_without_the_approval_permission_cannot_approve_from_the_sheet(client, editor, angioplasty):
    client.force_login(editor)
    assert "Record my approval" not in client.get(sheet_url(angioplasty)).content.decode()
    assert client.post(sheet_url(angioplasty), approval(angioplasty)).status_code == 403
    angioplasty.refresh_from_db()
    assert not angioplasty.is_approved


def test_the_version_follows_the_content_and_not_the_approval(reviewer, angioplasty):
    before = angioplasty.review_sheet_version()
    angioplasty.approve(reviewer)
    assert angioplasty.review_sheet_version() == before == angioplasty.review_sheet
    angioplasty.risks[0]["how_often"] = "about 1 in 20"
    assert angioplasty.review_sheet_version() != before


def test_the_admin_page_form_links_to_the_sheet(client, editor, angioplasty):
    client.force_login(editor)
    html = client.get(f"/admin/guide/page/{angioplasty.pk}/change/").content.decode()
    assert f'href="{sheet_url(angioplasty)}"' in html


def test_review_sheets_writes_every_pages_sheet_and_an_index(tmp_path):
    out = StringIO()
    call_command("review_sheets", "--output", str(tmp_path), stdout=out)
    pages = list(Page.objects.all())
    assert f"{len(pages)} sheet(s)" in out.getvalue()
    for page in pages:
        html = (tmp_path / f"{page.slug}.html").read_text()
        assert f"Review sheet: {page.title}" in html.replace("&#x27;", "'")
        assert page.review_sheet_version() in html
        assert "Record my approval" not in html  # a form only in admin
    index = (tmp_path / "index.html").read_text()
    assert index.count("<tr><td>") == len(pages) and 'href="ct-scan.html"' in index
