"""The phone call, played in real browsers: a receptionist signs in with
two-factor, creates and sends a link in one screen, reads its code aloud; the
patient types it in lower case without hyphens and sends an enquiry; staff find
it in the inbox, take it, call back, and see it in the dashboard's figures."""

import io
import re

import pytest
import zxingcpp
from django.contrib.auth.models import Group
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from radiology_guide.enquiries.models import Enquiry, EnquiryLink
from tests.browser.support import axe_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}
MM = 72 / 25.4  # PDF points in a millimetre


def sign_in(page, site, username, password):
    page.goto(site + "/staff/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def fits(page):
    """Nothing scrolls sideways: everything fits the window."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_phone_call(site, new_context, django_user_model, settings, staff_groups):
    settings.ENQUIRY_MIN_FILL_SECONDS = 0
    settings.REQUIRE_STAFF_MFA = True
    settings.SITE_URL = site
    receptionist = django_user_model.objects.create_user("sam", password="a-long-test-password", first_name="Sam")
    receptionist.groups.add(Group.objects.get(name="Clinic staff"))

    # Sam signs in, and sets up two-factor sign-in on the way.
    staff = new_context(viewport=PHONE).new_page()
    sign_in(staff, site, "sam", "a-long-test-password")
    expect(staff.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    device = TOTPDevice.objects.filter(user=receptionist).latest("pk")
    staff.get_by_role("textbox", name="Code").fill(f"{totp(device.bin_key):06d}")
    staff.get_by_role("button", name="Confirm").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    staff.get_by_role("link", name="Continue").click()

    # One screen: topic, the patient's address, "Create and send".
    expect(staff.get_by_role("heading", level=1)).to_have_text("Send a link")
    expect(staff.get_by_text("Signed in as Sam")).to_be_visible()
    staff.get_by_label("Topic").fill("Fibroid embolisation (UFE)")
    staff.get_by_label("Patient's email address").fill("grace@example.com")
    staff.get_by_role("button", name="Create and send").click()

    # Sam reads the address back to the patient before anything goes.
    expect(staff.get_by_role("heading", level=1)).to_have_text("Check the address with the patient")
    expect(staff.locator(".check-address")).to_contain_text("grace@example.com")
    assert fits(staff) and mail.outbox == []
    staff.get_by_role("button", name="Yes, send it").click()

    sent = staff.locator(".panel[role=status]")
    expect(sent).to_have_text("Email sent to the address you checked. It was not stored.")
    assert fits(staff)
    code = staff.locator(".link-code .code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    expect(staff.locator(".read-aloud li")).to_have_count(3)
    [email] = mail.outbox
    assert code in email.body

    # The QR code on screen (SVG, drawn by the browser) decodes to the link.
    link = EnquiryLink.objects.get()
    staff.set_viewport_size(WIDE)
    picture = Image.open(io.BytesIO(staff.locator("img.qr").screenshot()))
    assert [found.text for found in zxingcpp.read_barcodes(picture)] == [link.full_url()]

    # Sam reads the code aloud; the patient types it in lower case without hyphens.
    patient = new_context(viewport=PHONE).new_page()
    patient.goto(f"{site}/e/{code.replace('-', '').lower()}")
    expect(patient.get_by_role("heading", level=1)).to_have_text("Fibroid embolisation (UFE)")
    patient.get_by_label("Full name").fill("Grace Hopper")
    patient.get_by_label("Phone number").fill("07700 900 461")
    # With only a phone number, the form does not ask how to reply.
    patient.get_by_label("I agree that the clinic can store these details").check()
    patient.get_by_role("button", name="Send enquiry").click()
    expect(patient.get_by_role("heading", level=1)).to_have_text("Enquiry sent")
    enquiry = Enquiry.objects.get()
    assert enquiry.link == link

    # Sam finds it in the inbox as new, takes it, and calls back.
    staff.set_viewport_size(PHONE)
    staff.get_by_role("link", name="Enquiries").click()
    row = staff.get_by_role("row", name=re.compile(enquiry.reference))
    expect(row).to_contain_text("Grace Hopper")
    expect(row).to_contain_text("New")
    expect(row.get_by_role("link", name="07700 900 461")).to_have_attribute("href", "tel:07700900461")
    assert fits(staff)
    row.get_by_role("link", name=enquiry.reference).click()
    staff.get_by_role("button", name="Assign to me").click()
    staff.get_by_label("By phone").check()
    staff.get_by_role("button", name="Mark contacted").click()
    timeline = staff.locator(".timeline")
    expect(timeline).to_contain_text("Assigned to sam")
    expect(timeline).to_contain_text("Contacted: By phone")

    # The dashboard counts the enquiry, the link, its open and the contact.
    staff.get_by_role("link", name="Dashboard").click()
    expect(staff.locator("#figure-enquiries")).to_have_text("1")
    expect(staff.locator("#median")).not_to_have_text("No contacts yet")
    links_by_topic = staff.get_by_role("table", name="Links by topic")
    expect(links_by_topic.get_by_role("row", name=re.compile("Fibroid"))).to_contain_text("1")
    assert Enquiry.objects.get().status == Enquiry.Status.CONTACTED


def staff_pages(link, enquiry):
    return [
        "/staff/",
        f"/staff/links/{link.pk}/",
        f"/staff/links/{link.pk}/revoke/",
        "/staff/links/",
        "/staff/enquiries/",
        f"/staff/enquiries/{enquiry.reference}/",
        "/staff/dashboard/",
        f"/staff/links/{link.pk}/leaflet/",
    ]


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["390px", "1280px"])
def test_every_staff_page_passes_axe_and_fits_the_screen(
    site, new_context, django_user_model, settings, staff_groups, viewport
):
    settings.REQUIRE_STAFF_MFA = False
    user = django_user_model.objects.create_user("sam", password="a-long-test-password")
    user.groups.add(Group.objects.get(name="Clinic staff"))
    link = EnquiryLink.objects.create(topic="ct-scan", topic_title="CT scan", label="Poster", created_by=user)
    enquiry = Enquiry.objects.create(
        name="Grace Hopper", email="grace@example.com", phone="07700 900461", preferred_contact="phone",
        topic="ct-scan", topic_title="CT scan", consent_at=link.created_at, submission_token="t1", link=link,
        message="My nephrostomy bag is leaking. " + "What should I do about it before Monday? " * 5,
    )  # fmt: skip
    enquiry.record("note", user, "Called back on Monday.")
    page = new_context(viewport=viewport).new_page()
    page.goto(site + "/staff/sign-in/")
    assert axe_violations(page) == []
    sign_in(page, site, "sam", "a-long-test-password")
    problems = []
    for path in staff_pages(link, enquiry):
        page.goto(site + path)
        assert page.locator("h1").count() == 1, path
        problems += axe_violations(page)
        if not fits(page):
            problems.append(f"{path}: scrolls sideways at {viewport['width']} px")
    # A form with its errors shown.
    page.goto(site + "/staff/")
    page.get_by_role("button", name="Create and send").click()
    problems += axe_violations(page)
    # An action that fails, with its error summary; then one that works, with its message.
    page.goto(f"{site}/staff/enquiries/{enquiry.reference}/")
    page.get_by_role("button", name="Close the enquiry").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose an outcome")
    problems += axe_violations(page)
    page.get_by_role("button", name="Assign to me").click()
    expect(page.locator(".panel[role=status]")).to_have_text("Assigned to you.")
    problems += axe_violations(page)
    # The address to check before sending.
    page.goto(site + "/staff/")
    page.get_by_label("Topic").fill("CT scan")
    page.get_by_label("Patient's email address").fill("grace@example.com")
    page.get_by_role("button", name="Create and send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the address with the patient")
    problems += axe_violations(page)
    if not fits(page):
        problems.append(f"check the address: scrolls sideways at {viewport['width']} px")
    assert problems == []


def test_two_factor_pages_pass_axe(site, new_context, django_user_model, settings, staff_groups):
    settings.REQUIRE_STAFF_MFA = True
    user = django_user_model.objects.create_user("sam", password="a-long-test-password")
    user.groups.add(Group.objects.get(name="Clinic staff"))
    problems = []
    for viewport in (PHONE, WIDE):
        page = new_context(viewport=viewport).new_page()
        sign_in(page, site, "sam", "a-long-test-password")
        expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
        problems += axe_violations(page)
        page.get_by_role("button", name="Confirm").click()  # no code: the error state
        problems += axe_violations(page)
    assert problems == []


@pytest.mark.parametrize(("size", "width_mm", "height_mm"), [("a4", 210, 297), ("a5", 148, 210)])
def test_the_leaflet_prints_on_one_sheet_of_a4_or_a5(site, new_context, django_user_model, staff_groups, size,
                                                      width_mm, height_mm, settings):  # fmt: skip
    settings.REQUIRE_STAFF_MFA = False
    settings.SITE_URL = site
    user = django_user_model.objects.create_user("sam", password="a-long-test-password")
    user.groups.add(Group.objects.get(name="Clinic staff"))
    link = EnquiryLink.objects.create(topic="ct-scan", topic_title="CT scan", created_by=user)
    page = new_context().new_page()
    sign_in(page, site, "sam", "a-long-test-password")
    page.goto(f"{site}/staff/links/{link.pk}/leaflet/?size={size}")
    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (width_mm, height_mm)
    text = re.sub(r"\s+", "", pdf.pages[0].extract_text())
    for wanted in ("CT scan", "Rinebraska", link.full_url(), link.code, "Thislinkdoesnotexpire"):
        assert re.sub(r"\s+", "", wanted) in text
    assert "Backtothelink" not in text


def test_without_javascript_a_link_is_made_found_and_revoked(site, new_context, django_user_model, settings,
                                                             staff_groups):  # fmt: skip
    settings.REQUIRE_STAFF_MFA = False
    user = django_user_model.objects.create_user("sam", password="a-long-test-password")
    user.groups.add(Group.objects.get(name="Clinic staff"))
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    sign_in(page, site, "sam", "a-long-test-password")
    # Part of a name is enough: the server offers what matches, and choosing one makes the link.
    page.get_by_label("Topic").fill("scan")
    page.get_by_label("Label (optional)").fill("Waiting room poster")
    page.get_by_role("button", name="Create only").click()
    expect(page.get_by_role("button", name="CT scan", exact=True)).to_be_visible()
    # Enter in a box is "Create only" again, never the first topic in the list.
    page.get_by_label("Label (optional)").press("Enter")
    expect(page.get_by_role("button", name="CT scan", exact=True)).to_be_visible()
    assert EnquiryLink.objects.count() == 0
    page.get_by_role("button", name="CT scan", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Link: Waiting room poster")
    assert EnquiryLink.objects.get().topic == "ct-scan"
    expect(page.get_by_role("button", name="Copy link")).to_be_hidden()  # the one script-only extra
    page.get_by_role("link", name="Revoke this link").click()
    page.get_by_role("button", name="Yes, revoke it").click()
    expect(page.get_by_text("This link was revoked on")).to_be_visible()
    assert EnquiryLink.objects.get().revoked_at is not None


# The printable width of each sheet (less its @page margins) in CSS pixels.
PRINTABLE = {"a4": {"width": round((210 - 2 * 18) * 96 / 25.4), "height": 1000},
             "a5": {"width": round((148 - 2 * 12) * 96 / 25.4), "height": 800}}  # fmt: skip


def quiet_zone_in_modules(picture, modules):
    """How many modules of light margin the drawn QR code has on its
    narrowest side (the standard asks for 4)."""
    dark = picture.convert("L").point(lambda value: 255 if value < 128 else 0)
    left, top, right, bottom = dark.getbbox()
    module = (right - left) / modules
    return min(left, top, picture.width - right, picture.height - bottom) / module


@pytest.mark.parametrize("media", ["screen", "print"])
@pytest.mark.parametrize("size", ["a4", "a5"])
def test_the_leaflets_qr_code_is_whole_with_its_quiet_zone_and_scans(site, new_context, django_user_model,
                                                                      staff_groups, settings, size, media):  # fmt: skip
    import segno

    settings.REQUIRE_STAFF_MFA = False
    settings.SITE_URL = site
    user = django_user_model.objects.create_user("sam", password="a-long-test-password")
    user.groups.add(Group.objects.get(name="Clinic staff"))
    link = EnquiryLink.objects.create(topic="ct-scan", topic_title="CT scan", created_by=user)
    page = new_context(viewport=PRINTABLE[size]).new_page()
    sign_in(page, site, "sam", "a-long-test-password")
    page.goto(f"{site}/staff/links/{link.pk}/leaflet/?size={size}")
    page.emulate_media(media=media)
    qr = page.locator(".leaflet-qr svg")
    box = qr.bounding_box()
    width_mm = box["width"] * 25.4 / 96
    assert round(width_mm) == (60 if size == "a4" else 45) and box["width"] == box["height"]
    picture = Image.open(io.BytesIO(qr.screenshot()))
    assert [found.text for found in zxingcpp.read_barcodes(picture)] == [link.full_url()]
    modules, _ = segno.make(link.full_url(), error="m").symbol_size(scale=1, border=0)
    assert quiet_zone_in_modules(picture, modules) > 3.5  # 4, less a pixel of anti-aliasing


def test_a_receptionist_on_a_phone_sends_the_link_by_text_and_email(
    site, new_context, django_user_model, settings, staff_groups, tmp_path
):
    settings.SITE_URL = site
    settings.SMS_DIR = tmp_path / "sms"  # no Notify key: the text message is written here
    receptionist = django_user_model.objects.create_user("kim", password="a-long-test-password", first_name="Kim")
    receptionist.groups.add(Group.objects.get(name="Clinic staff"))
    staff = new_context(viewport=PHONE).new_page()
    sign_in(staff, site, "kim", "a-long-test-password")
    if staff.get_by_role("heading", level=1).inner_text() == "Set up two-factor sign-in":
        device = TOTPDevice.objects.filter(user=receptionist).latest("pk")
        staff.get_by_role("textbox", name="Code").fill(f"{totp(device.bin_key):06d}")
        staff.get_by_role("button", name="Confirm").click()
        staff.get_by_role("link", name="Continue").click()

    expect(staff.get_by_role("heading", level=1)).to_have_text("Send a link")
    violations = axe_violations(staff)
    staff.get_by_label("Topic").fill("Fibroid embolisation (UFE)")
    staff.get_by_label("Both").check()
    staff.get_by_label("Patient's email address").fill("grace@example.com")
    mobile = staff.get_by_label("Patient's mobile number")
    assert mobile.get_attribute("type") == "tel"
    mobile.fill("07700 900456")
    staff.get_by_role("button", name="Create and send").click()

    # The check step shows the text message as the patient will read it.
    expect(staff.get_by_role("heading", level=1)).to_have_text("Check the details with the patient")
    expect(staff.locator("#sms-preview")).to_contain_text(f"{site}/e/")
    expect(staff.locator("#sms-length")).to_contain_text("text message")
    violations += axe_violations(staff)
    assert fits(staff) and mail.outbox == []
    staff.get_by_role("button", name="Yes, send it").click()

    link = EnquiryLink.objects.latest("pk")
    staff.goto(f"{site}/staff/links/{link.pk}/")
    messages = staff.locator("table", has_text="07••• •••456")
    expect(messages).to_be_visible()
    violations += axe_violations(staff)
    assert fits(staff)
    assert violations == [], "\n".join(violations)
    [email] = mail.outbox
    assert email.to == ["grace@example.com"] and link.code in email.body
    [text] = (tmp_path / "sms").glob("*.txt")
    assert f"{site}/e/" in text.read_text() and "900456" not in staff.content()
