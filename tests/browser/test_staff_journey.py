"""Clinic staff send a patient an enquiry link, the patient uses it, and the
staff member sees the enquiry against the link: three people, one journey."""

import io
import re

import pytest
import zxingcpp
from django.contrib.auth.models import Group
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image
from playwright.sync_api import expect

from radiology_guide.enquiries.models import Enquiry, EnquiryLink
from tests.browser.support import axe_violations

pytestmark = pytest.mark.browser


def sign_in(page, site, username, password):
    page.goto(site + "/staff/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_staff_member_creates_a_link_patient_enquires_staff_member_sees_it(
    site, new_context, django_user_model, settings, staff_groups
):
    settings.ENQUIRY_MIN_FILL_SECONDS = 0
    settings.REQUIRE_STAFF_MFA = True
    settings.SITE_URL = site
    staff_user = django_user_model.objects.create_user("sam", password="a-long-test-password", is_staff=True)
    staff_user.groups.add(Group.objects.get(name="Clinic staff"))

    # The staff member signs in, and sets up two-factor sign-in on the way.
    staff = new_context().new_page()
    sign_in(staff, site, "sam", "a-long-test-password")
    expect(staff.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    assert axe_violations(staff) == []
    device = TOTPDevice.objects.get(user=staff_user)
    staff.get_by_role("textbox", name="Code").fill(f"{totp(device.bin_key):06d}")
    staff.get_by_role("button", name="Confirm").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    staff.get_by_role("link", name="Continue").click()

    # ...creates a link for a printed leaflet...
    expect(staff.get_by_role("heading", level=1)).to_have_text("New enquiry link")
    assert axe_violations(staff) == []
    staff.get_by_label("Which topic should the link open?").select_option(label="Fibroid embolisation (UFE)")
    staff.get_by_label("Label (optional)").fill("Fibroid clinic leaflet")
    staff.get_by_label("Never (for printed leaflets)").check()
    staff.get_by_role("button", name="Create link").click()

    expect(staff.get_by_role("heading", level=1)).to_have_text("Enquiry link: Fibroid clinic leaflet")
    assert axe_violations(staff) == []
    link_url = staff.get_by_label("Link for the patient").input_value()
    link = EnquiryLink.objects.get()
    assert link_url == f"{site}/e/{link.token}"

    # The copy button appears with JavaScript and puts the link on the clipboard.
    staff.context.grant_permissions(["clipboard-read", "clipboard-write"])
    staff.get_by_role("button", name="Copy link").click()
    expect(staff.locator(".copy-status")).to_have_text("Link copied.")
    assert staff.evaluate("navigator.clipboard.readText()") == link_url

    # The QR code on screen (SVG, drawn by the browser) decodes to the link.
    picture = Image.open(io.BytesIO(staff.locator("img.qr").screenshot()))
    assert [code.text for code in zxingcpp.read_barcodes(picture)] == [link_url]

    # A patient opens the link in their own browser and sends an enquiry.
    patient = new_context().new_page()
    patient.goto(link_url)
    expect(patient.get_by_role("heading", level=1)).to_have_text("Fibroid embolisation (UFE)")
    expect(patient.get_by_label("What is your enquiry about?")).to_have_value("uterine-fibroid-embolisation")
    assert axe_violations(patient) == []
    patient.get_by_label("Full name").fill("Grace Hopper")
    patient.get_by_label("Phone number").fill("07700 900 461")
    # With only a phone number, the form does not ask how to reply.
    patient.get_by_label("I agree that the clinic can store these details").check()
    patient.get_by_role("button", name="Send enquiry").click()
    expect(patient.get_by_role("heading", level=1)).to_have_text("Enquiry sent")
    enquiry = Enquiry.objects.get()
    assert enquiry.link == link

    # The staff member sees the enquiry against the link, and in the list.
    staff.reload()
    expect(staff.get_by_role("link", name=enquiry.reference)).to_be_visible()
    staff.get_by_role("link", name="My links").click()
    row = staff.get_by_role("row", name=re.compile("Fibroid clinic leaflet"))
    # Cells after the label (a row header): topic, created by, created, expires, opens, enquiries.
    expect(row.get_by_role("cell").nth(4)).to_have_text("1")  # opens
    expect(row.get_by_role("cell").nth(5)).to_have_text("1")  # enquiries
    assert axe_violations(staff) == []
