"""A content editor changes a live page: the change is a draft that patients
do not see, the preview shows it in the site's own style, publishing shows it
on the next request, and the revision list puts the original words back."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from radiology_guide.guide.models import Page
from tests.browser.support import axe_violations

pytestmark = pytest.mark.browser

NEW_WORDS = "You can park in the car park behind the clinic."
SITE_BLUE = "rgb(0, 94, 184)"  # the header's colour in static/css/site.css


def test_editor_drafts_previews_publishes_and_restores_a_page(site, new_context, django_user_model, staff_groups):
    editor = django_user_model.objects.create_user("editor", password="a-long-test-password", is_staff=True)
    editor.groups.add(Group.objects.get(name="Content editors"))
    live = Page.objects.get(slug="what-to-expect")
    public_url = f"{site}/guide/what-to-expect/"
    patient = new_context().new_page()
    patient.goto(public_url)  # the page is cached now

    # The editor opens the live page in admin and adds a paragraph.
    admin = new_context().new_page()
    admin.goto(f"{site}/admin/guide/page/{live.pk}/change/")
    admin.get_by_label("Username").fill("editor")
    admin.get_by_label("Password").fill("a-long-test-password")
    admin.get_by_role("button", name="Log in").click()
    body = admin.get_by_label("Body")
    body.fill(body.input_value() + f"\n\n## Parking\n\n{NEW_WORDS}")
    admin.get_by_label("What changed").fill("Added parking")
    admin.get_by_role("button", name="Save draft").click()
    expect(admin.get_by_text("Draft saved. Patients still see the published version")).to_be_visible()
    expect(admin.get_by_text("Unpublished changes.")).to_be_visible()
    assert axe_violations(admin) == []

    # Patients still see the published page.
    patient.reload()
    expect(patient.get_by_role("heading", level=1)).to_have_text(live.title)
    expect(patient.get_by_text(NEW_WORDS)).to_have_count(0)

    # The preview opens in a new tab and shows the draft in the site's own page.
    with admin.expect_popup() as popup:
        admin.get_by_role("link", name="Preview (opens in a new tab)").click()
    preview = popup.value
    expect(preview.get_by_text(NEW_WORDS)).to_be_visible()
    expect(preview.get_by_role("heading", level=1)).to_have_text(live.title)
    expect(preview.locator(".site-header")).to_have_css("background-color", SITE_BLUE)
    expect(preview.get_by_role("region", name="Draft preview")).to_be_visible()
    assert axe_violations(preview) == []

    # Publishing shows it to patients on the very next request.
    admin.get_by_role("button", name="Save and publish").click()
    expect(admin.get_by_text("Published: patients now see this version.")).to_be_visible()
    patient.reload()
    expect(patient.get_by_text(NEW_WORDS)).to_be_visible()

    # The original words come back from the revision list, as a draft first.
    admin.get_by_role("table", name="Revisions").get_by_role("row").filter(
        has_text="Loaded from the content files"
    ).get_by_role("link").click()
    expect(admin.locator(".word-diff del, .word-diff ins").first).to_be_attached()
    assert axe_violations(admin) == []
    admin.get_by_role("button", name="Restore these words as a new draft").click()
    expect(admin.get_by_text("Restored as a draft. Patients see it only once it is published")).to_be_visible()
    patient.reload()
    expect(patient.get_by_text(NEW_WORDS)).to_be_visible()  # not yet published
    admin.get_by_role("button", name="Save and publish").click()
    patient.reload()
    expect(patient.get_by_text(NEW_WORDS)).to_have_count(0)
    assert Page.objects.get(pk=live.pk).body == live.body
    admin.goto(f"{site}/admin/")
    expect(admin.get_by_role("heading", name="Drafts waiting to publish (0)")).to_be_visible()
    assert axe_violations(admin) == []


NEW_SIGN = "You feel faint or sick for more than a day after the scan."


def test_editor_adds_a_warning_sign_in_plain_words_without_seeing_json(
    site, new_context, django_user_model, staff_groups
):
    editor = django_user_model.objects.create_user("editor", password="a-long-test-password", is_staff=True)
    editor.groups.add(Group.objects.get(name="Content editors"))
    scan = Page.objects.get(slug="ct-scan")
    admin = new_context().new_page()
    admin.goto(f"{site}/admin/guide/page/{scan.pk}/change/")
    admin.get_by_label("Username").fill("editor")
    admin.get_by_label("Password").fill("a-long-test-password")
    admin.get_by_role("button", name="Log in").click()

    expect(admin.get_by_label("Body")).to_be_visible()  # the change form, after signing in

    # Every box on the form holds plain words: no JSON to keep valid.
    for box in admin.locator("textarea:visible, input[type=text]:visible, input[type=url]:visible").all():
        assert not box.input_value().lstrip().startswith(("{", "[")), box.get_attribute("name")
    assert axe_violations(admin) == []

    signs = admin.get_by_role("group", name="Warning signs").get_by_label("Call us or 111")
    signs.fill(signs.input_value() + "\n" + NEW_SIGN)
    risk = admin.get_by_role("group", name="Risk 2")
    risk.get_by_label("How often").fill("often")
    admin.get_by_role("button", name="Save and publish").click()

    # A mistake is named by its place, and the editor's new sign is still there.
    expect(admin.get_by_text("Risk 2, how often: write 'about 1 in N'")).to_be_visible()
    expect(admin.get_by_label("Call us or 111")).to_have_value(signs.input_value())
    assert NEW_SIGN in admin.get_by_label("Call us or 111").input_value()
    assert axe_violations(admin) == []
    admin.get_by_role("group", name="Risk 2").get_by_label("How often").fill(scan.risks[1]["how_often"])
    admin.get_by_role("button", name="Save and publish").click()
    expect(admin.get_by_text("Published: patients now see this version.")).to_be_visible()

    patient = new_context().new_page()
    patient.goto(f"{site}/procedures/ct-scan/")
    expect(patient.get_by_role("listitem").filter(has_text=NEW_SIGN)).to_be_visible()


def test_clinician_sees_what_waits_and_approves_a_marked_draft_from_the_preview(
    site, new_context, django_user_model, staff_groups
):
    from django.contrib.auth.models import Permission

    from radiology_guide.guide import drafts

    editor = django_user_model.objects.create_user("editor", password="a-long-test-password", is_staff=True)
    editor.groups.add(Group.objects.get(name="Content editors"))
    clinician = django_user_model.objects.create_user("dr-jones", password="a-long-test-password", is_staff=True)
    clinician.groups.add(Group.objects.get(name="Content editors"))
    clinician.user_permissions.add(Permission.objects.get(codename="approve_page"))
    draft = drafts.with_draft(Page.objects.get(slug="what-to-expect"))
    draft.body = draft.body.replace("## ", f"{NEW_WORDS}\n\n## ", 1)
    drafts.save_draft(draft, editor, "Added parking")

    admin = new_context().new_page()
    admin.goto(f"{site}/admin/")
    admin.get_by_label("Username").fill("dr-jones")
    admin.get_by_label("Password").fill("a-long-test-password")
    admin.get_by_role("button", name="Log in").click()
    awaiting = Page.objects.exclude(review_status="approved").count()
    expect(
        admin.get_by_role("heading", name=f"Pages awaiting their first clinical review ({awaiting})")
    ).to_be_visible()
    assert axe_violations(admin) == []

    admin.goto(f"{site}/admin/guide/page/{draft.pk}/preview/")
    expect(admin.locator("ins.preview-change")).to_have_text(NEW_WORDS)
    assert axe_violations(admin) == []
    admin.get_by_role("button", name="Approve and publish").click()
    expect(admin.get_by_text("Approved and published: patients now see this version.")).to_be_visible()

    patient = new_context().new_page()
    patient.goto(f"{site}/guide/what-to-expect/")
    expect(patient.get_by_text(NEW_WORDS)).to_be_visible()
    expect(patient.get_by_text("Not yet checked by our radiologists")).to_have_count(0)
