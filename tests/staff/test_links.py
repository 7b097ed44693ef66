"""A receptionist sends a patient an enquiry link while they wait on the
phone; the patient opens it, even typed from a code read aloud; staff see
which link brought the enquiry."""

import io
import re

import pytest
import zxingcpp
from django.core import mail
from django.db import connection
from django.utils import timezone
from PIL import Image

from radiology_guide.enquiries.models import Enquiry, EnquiryLink
from tests.helpers import form_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, clinic_staff):
    client.force_login(clinic_staff)
    return client


def create_link(staff_client, action="create", **fields):
    data = {"topic": "Fibroid embolisation (UFE)", "label": "Fibroid clinic leaflet", "expires": "30"}
    if action == "send":
        data["checked"] = "yes"  # as from the check step's "Yes, send it"
    data.update(fields, action=action)
    response = staff_client.post("/staff/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return EnquiryLink.objects.latest("created_at")


def test_signed_out_visitors_are_sent_to_the_staff_sign_in(client):
    response = client.get("/staff/")
    assert response.status_code == 302 and response["Location"] == "/staff/sign-in/?next=/staff/"
    assert "Sign in to the staff area" in client.get(response["Location"]).content.decode()


def test_signed_in_users_without_the_staff_permission_are_refused(client, editor):
    client.force_login(editor)
    link = EnquiryLink.objects.create(topic="ct-scan", topic_title="CT scan")
    for path in ["/staff/", "/staff/links/", f"/staff/links/{link.pk}/", "/staff/enquiries/", "/staff/dashboard/"]:
        assert client.get(path).status_code == 403, path
    assert client.post("/staff/", {"topic": "CT scan", "expires": "30", "action": "create"}).status_code == 403
    assert client.post(f"/staff/links/{link.pk}/revoke/").status_code == 403
    assert EnquiryLink.objects.get().revoked_at is None


def test_every_staff_page_says_who_is_signed_in_and_signs_out_by_post(staff_client):
    html = staff_client.get("/staff/").content.decode()
    assert "Signed in as <strong>sam</strong>" in html
    assert re.search(r'<form method="post" action="/staff/sign-out/">.*?Sign out</button>', html, re.S)
    nav = re.search(r'<nav class="staff-nav".*?</nav>', html, re.S).group(0)
    assert re.findall(r">([^<>]+)</a>", nav) == ["Send a link", "Enquiries", "Links", "Dashboard"]
    assert 'aria-current="page">Send a link' in nav
    assert "no-store" in staff_client.get("/staff/")["Cache-Control"]
    staff_client.post("/staff/sign-out/")
    assert staff_client.get("/staff/").status_code == 302


def test_the_topic_box_lists_the_clinics_most_used_topics_first(staff_client):
    before = re.findall(r'<option value="([^"]+)">', staff_client.get("/staff/").content.decode())
    assert len(before) > 20 and "CT scan" in before
    for _ in range(2):
        create_link(staff_client, topic="CT scan")
    create_link(staff_client, topic="Fibroid embolisation (UFE)")
    html = staff_client.get("/staff/").content.decode()
    assert 'list="topic-list"' in html and '<datalist id="topic-list">' in html
    assert re.findall(r'<option value="([^"]+)">', html)[:2] == ["CT scan", "Fibroid embolisation (UFE)"]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Fibroid embolisation (UFE)", "uterine-fibroid-embolisation"),  # picked from the list
        ("fibroid", "uterine-fibroid-embolisation"),  # part of one name, no JavaScript needed
        ("uterine-fibroid-embolisation", "uterine-fibroid-embolisation"),
        ("  ct   SCAN ", "ct-scan"),
    ],
)
def test_a_topic_is_found_from_what_was_typed(staff_client, typed, found):
    assert create_link(staff_client, topic=typed).topic == found


def test_a_topic_that_matches_several_offers_them_and_picking_one_creates_the_link_at_once(staff_client):
    response = staff_client.post("/staff/", {"topic": "scan", "expires": "30", "action": "create"})
    html = response.content.decode()
    assert response.status_code == 400 and "topics match &#x27;scan&#x27;: choose one from the list" in html
    assert '<button type="submit" name="pick" value="CT scan"' in html
    assert EnquiryLink.objects.count() == 0
    picked = staff_client.post(
        "/staff/", {"topic": "scan", "pick": "CT scan", "then": "create", "label": "Kept", "expires": "7"}
    )
    link = EnquiryLink.objects.get()
    assert picked["Location"] == f"/staff/links/{link.pk}/"
    assert (link.topic, link.label) == ("ct-scan", "Kept")
    nothing = staff_client.post("/staff/", {"topic": "zzz", "expires": "30", "action": "create"})
    assert "No topic matches &#x27;zzz&#x27;" in nothing.content.decode()


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("nephrostmy", "Nephrostomy, a tube to drain a blocked kidney"),
        ("nefrostomy tube", "Nephrostomy, a tube to drain a blocked kidney"),
        ("fibriod", "Fibroid embolisation (UFE)"),
        ("varicose vien", "Varicose vein ablation"),
        ("vertebroplasti", "Vertebroplasty and kyphoplasty"),
    ],
)
def test_a_typo_in_the_topic_is_offered_to_choose_not_taken(staff_client, typed, offered):
    response = staff_client.post("/staff/", {"topic": typed, "expires": "30", "action": "create"})
    html = response.content.decode()
    assert response.status_code == 400 and "Did you mean" in html
    assert re.findall(r'name="pick" value="([^"]+)"', html)[0] == offered
    assert EnquiryLink.objects.count() == 0


def test_picking_a_topic_after_create_and_send_goes_straight_to_the_address_check(staff_client):
    data = {"topic": "nephrostmy", "expires": "30", "email": "patient@example.com", "action": "send"}
    html = staff_client.post("/staff/", data).content.decode()
    assert '<input type="hidden" name="then" value="send">' in html
    # Enter in a text box presses the first button: the one asked for, never the first topic offered.
    assert html.index('name="action" value="send" hidden') < html.index('name="pick"')
    picked = staff_client.post("/staff/", {**data, "pick": "Nephrostomy, a tube to drain a blocked kidney",
                                           "then": "send"})  # fmt: skip
    assert "<h1>Check the address with the patient</h1>" in picked.content.decode()
    assert mail.outbox == [] and EnquiryLink.objects.count() == 0


def test_create_and_send_asks_to_check_the_address_first_and_sends_only_then(staff_client):
    data = {"topic": "fibroid", "label": "Clinic", "expires": "7", "email": "patient@example.com", "action": "send"}
    check = staff_client.post("/staff/", data)
    html = check.content.decode()
    assert check.status_code == 200 and "<h1>Check the address with the patient</h1>" in html
    assert re.search(r'<p class="check-address"[^>]*>.*patient@example\.com</p>', html)
    assert mail.outbox == [] and EnquiryLink.objects.count() == 0  # nothing made or sent yet
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html))
    del hidden["csrfmiddlewaretoken"]
    assert hidden.pop("code")  # the link's code, signed, so the link made is the one previewed
    assert hidden == {"topic": "Fibroid embolisation (UFE)", "label": "Clinic", "expires": "7", "how": "email",
                      "email": "patient@example.com", "phone": "", "checked": "yes"}  # fmt: skip
    assert 'name="action" value="send" class="button">Yes, send it' in html
    # "Change the address": back to the form, as it was.
    change = staff_client.post("/staff/", {**hidden, "action": "change"}).content.decode()
    assert "<h1>Send a link</h1>" in change and 'value="patient@example.com"' in change and "Error" not in change
    assert 'value="7" checked' in change
    sent = staff_client.post("/staff/", {**hidden, "action": "send"}, follow=True)
    [message] = mail.outbox
    assert message.to == ["patient@example.com"] and EnquiryLink.objects.count() == 1
    assert "Email sent to the address you checked" in sent.content.decode()


def test_emailing_a_link_again_checks_the_address_first(staff_client):
    link = create_link(staff_client)
    check = staff_client.post(f"/staff/links/{link.pk}/", {"email": "patient@example.com"})
    assert "<h1>Check the address with the patient</h1>" in check.content.decode() and mail.outbox == []
    change = staff_client.post(f"/staff/links/{link.pk}/", {"email": "patient@example.com", "action": "change"})
    assert change.status_code == 200 and 'value="patient@example.com"' in change.content.decode()
    staff_client.post(f"/staff/links/{link.pk}/", {"email": "patient@example.com", "checked": "yes"})
    assert mail.outbox[-1].to == ["patient@example.com"]


def test_the_link_page_spells_the_code_out_for_reading_aloud(staff_client):
    link = create_link(staff_client)
    EnquiryLink.objects.filter(pk=link.pk).update(token="0V75K3M9QXPA")
    html = staff_client.get(f"/staff/links/{link.pk}/").content.decode()
    reading = r'<li><span class="code" aria-hidden="true">([^<]+)</span> <span aria-hidden="true">–</span> ([^<]+)</li>'
    assert re.findall(reading, html) == [
        ("0 V 7 5", "zero, Victor, seven, five"),
        ("K 3 M 9", "Kilo, three, Mike, nine"),
        ("Q X P A", "Quebec, X-ray, Papa, Alpha"),
    ]


def test_create_and_send_does_it_all_and_forgets_the_address(staff_client, clinic_staff, caplog):
    response = staff_client.post(
        "/staff/",
        {
            "topic": "fibroid",
            "label": "",
            "expires": "7",
            "email": "patient@example.com",
            "action": "send",
            "checked": "yes",
        },  # fmt: skip
        follow=True,
    )
    html = response.content.decode()
    link = EnquiryLink.objects.get()
    assert link.created_by == clinic_staff and link.topic_title == "Fibroid embolisation (UFE)"
    assert timezone.timedelta(days=6) < link.expires_at - timezone.now() <= timezone.timedelta(days=7)
    assert "Email sent to the address you checked" in html and "patient@example.com" not in html
    [message] = mail.outbox
    assert message.to == ["patient@example.com"]
    # The address is used to send and then forgotten: not logged, not stored anywhere.
    assert "patient@example.com" not in caplog.text
    for table in connection.introspection.table_names():
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names come from the schema
            assert "patient@example.com" not in repr(cursor.fetchall()), table


def test_create_and_send_needs_the_address_and_create_only_does_not(staff_client):
    response = staff_client.post("/staff/", {"topic": "fibroid", "expires": "30", "action": "send"})
    assert response.status_code == 400 and "Enter the patient&#x27;s email address" in response.content.decode()
    assert EnquiryLink.objects.count() == 0
    create_link(staff_client)
    assert mail.outbox == []


def test_the_email_is_from_the_clinic_names_the_topic_and_carries_link_code_phone_and_hours(staff_client):
    link = create_link(staff_client, action="send", email="patient@example.com")
    [message] = mail.outbox
    assert message.from_email == "Rinebraska <enquiries@rinebraska.example>"
    assert message.subject == "Rinebraska: information about Fibroid embolisation (UFE)"
    html_part, kind = message.alternatives[0]
    assert kind == "text/html"
    for body in (message.body, html_part):
        assert body.startswith(("Hello,", "<!doctype html>")) and "Hello," in body
        assert link.full_url() in body and link.code in body
        assert "020 7946 0000" in body and "Monday to Friday, 8am to 6pm" in body
        assert "The team at Rinebraska" in body
    # No tracking: no images, no pixels, no links but the patient's own.
    assert "<img" not in html_part
    assert re.findall(r'href="([^"]+)"', html_part) == [link.full_url()]


def test_codes_can_be_read_over_the_phone(staff_client):
    codes = {create_link(staff_client, label=f"Leaflet {n}").token for n in range(20)}
    assert len(codes) == 20
    for code in codes:
        # 12 characters of Crockford base 32: 60 bits, no I, L, O or U.
        assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{12}", code)
    link = EnquiryLink.objects.first()
    assert re.fullmatch(r"/e/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", link.get_absolute_url())


def lower_case_and_confused(code):
    return code.replace("-", "").lower().replace("0", "o").replace("1", "l")


@pytest.mark.parametrize("typed", ["as shown", "lower case without hyphens", "spaces", "O and L confusions"])
def test_a_code_typed_any_reasonable_way_opens_the_link(client, staff_client, typed):
    link = create_link(staff_client)
    link.token = "7K3M9QXP4D10"
    link.save()
    code = {
        "as shown": "7K3M-9QXP-4D10",
        "lower case without hyphens": "7k3m9qxp4d10",
        "spaces": "7K3M 9QXP 4D10",
        "O and L confusions": "7k3m-9qxp-4dlo",
    }[typed]
    html = client.get(f"/e/{code}").content.decode()
    assert "<h1>Fibroid embolisation (UFE)</h1>" in html
    assert client.get("/e/", {"code": code})["Location"] == "/e/7K3M-9QXP-4D10"


def test_links_made_before_codes_keep_working(client):
    old = EnquiryLink.objects.create(token="YTha2dq6fRzokcP3", topic="ct-scan", topic_title="CT scan")
    assert old.get_absolute_url() == "/e/YTha2dq6fRzokcP3"
    assert "<h1>CT scan</h1>" in client.get("/e/YTha2dq6fRzokcP3").content.decode()


def test_an_unknown_code_asks_to_check_the_address_and_offers_the_guide_and_form(client, valid_post):
    response = client.get("/e/7K3M-9QXP-4DRB")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Check the address</h1>" in html and "expired" not in html
    assert 'href="/"' in html and 'name="form_token"' in html
    assert client.post("/e/7K3M-9QXP-4DRB", valid_post(form_token=form_token())).status_code == 302
    assert Enquiry.objects.get().link is None


@pytest.mark.parametrize("how", ["expired", "revoked"])
def test_only_a_real_expired_or_revoked_link_says_it_has_expired(client, staff_client, valid_post, how):
    link = create_link(staff_client)
    if how == "expired":
        EnquiryLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timezone.timedelta(minutes=1))
    else:
        assert staff_client.post(f"/staff/links/{link.pk}/revoke/").status_code == 302
    html = client.get(link.get_absolute_url().lower()).content.decode()
    assert "This link has expired" in html and 'href="/"' in html and 'name="form_token"' in html
    assert client.post(link.get_absolute_url(), valid_post(form_token=form_token())).status_code == 302
    assert Enquiry.objects.get().link is None


def test_revoking_asks_first_on_a_second_page(staff_client):
    link = create_link(staff_client)
    detail = staff_client.get(f"/staff/links/{link.pk}/").content.decode()
    assert f'<a href="/staff/links/{link.pk}/revoke/">Revoke this link</a>' in detail
    confirm = staff_client.get(f"/staff/links/{link.pk}/revoke/").content.decode()
    assert "<h1>Revoke this link?</h1>" in confirm and "Yes, revoke it" in confirm
    link.refresh_from_db()
    assert link.revoked_at is None  # looking is not revoking
    staff_client.post(f"/staff/links/{link.pk}/revoke/")
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_link_page_shows_the_code_copy_field_qr_and_leaflet(staff_client):
    link = create_link(staff_client)
    html = staff_client.get(f"/staff/links/{link.pk}/").content.decode()
    assert f'<strong class="code">{link.code}</strong>' in html
    assert f'readonly value="http://127.0.0.1:8000/e/{link.code}"' in html
    assert f'src="/staff/links/{link.pk}/qr.svg"' in html and f'href="/staff/links/{link.pk}/qr.png"' in html
    assert f'href="/staff/links/{link.pk}/leaflet/"' in html


def test_the_leaflet_has_the_qr_code_short_address_clinic_topic_and_expiry(staff_client):
    link = create_link(staff_client, expires="never")
    html = staff_client.get(f"/staff/links/{link.pk}/leaflet/").content.decode()
    assert "<svg" in html and link.full_url() in html and link.code in html
    assert "Rinebraska" in html and "<h1>Fibroid embolisation (UFE)</h1>" in html
    assert "This link does not expire." in html and "leaflet-a4" in html
    assert "leaflet-a5" in staff_client.get(f"/staff/links/{link.pk}/leaflet/?size=a5").content.decode()


def test_the_leaflets_qr_code_scales_to_its_box_with_a_quiet_zone(staff_client):
    link = create_link(staff_client)
    html = staff_client.get(f"/staff/links/{link.pk}/leaflet/").content.decode()
    svg = re.search(r"<svg[^>]*>", html).group(0)
    # A viewBox with 4 light modules on every side, and no fixed size to be cut off by the 60 mm box.
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    assert "width=" not in svg and "height=" not in svg
    assert re.search(r'<path[^>]* d="M4 4\.5h', html) and size >= 21 + 8


def test_qr_png_decodes_to_the_link(staff_client):
    link = create_link(staff_client)
    response = staff_client.get(f"/staff/links/{link.pk}/qr.png")
    assert response["Content-Type"] == "image/png"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
    assert [code.text for code in decoded] == [link.full_url()]


def test_email_an_existing_link_again(staff_client):
    link = create_link(staff_client)
    response = staff_client.post(
        f"/staff/links/{link.pk}/", {"email": "patient@example.com", "checked": "yes"}, follow=True
    )
    assert "Email sent to the address you checked" in response.content.decode()
    assert mail.outbox[-1].to == ["patient@example.com"] and link.full_url() in mail.outbox[-1].body


def test_a_mail_server_that_is_down_is_an_error_message_and_no_link(staff_client, settings):
    from tests.helpers import MAIL_SERVER_DOWN

    settings.MAILERS = MAIL_SERVER_DOWN
    response = staff_client.post(
        "/staff/",
        {"topic": "fibroid", "expires": "30", "email": "patient@example.com", "action": "send", "checked": "yes"},
    )
    assert response.status_code == 400 and "The email could not be sent" in response.content.decode()
    assert EnquiryLink.objects.count() == 0


def test_patient_lands_on_the_topic_with_the_form_preselected_and_the_open_counted(client, staff_client):
    link = create_link(staff_client)
    staff_client.logout()
    response = client.get(link.get_absolute_url(), headers={"User-Agent": "Mozilla/5.0 (iPhone) Safari/605.1"})
    html = response.content.decode()
    assert "<h1>Fibroid embolisation (UFE)</h1>" in html
    assert 'href="/procedures/uterine-fibroid-embolisation/"' in html
    assert '<option value="uterine-fibroid-embolisation" selected>' in html
    assert "no-store" in response["Cache-Control"]
    link.refresh_from_db()
    assert link.opens == 1


def test_an_enquiry_sent_from_a_link_records_the_link(client, staff_client, valid_post):
    link = create_link(staff_client)
    response = client.post(link.get_absolute_url(), valid_post(topic="uterine-fibroid-embolisation"))
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.link == link
    html = staff_client.get(f"/staff/links/{link.pk}/").content.decode()
    assert f'href="/staff/enquiries/{enquiry.reference}/"' in html
    listing = staff_client.get("/staff/links/").content.decode()
    # Opens 0 (a POST is not an open), enquiries 1.
    assert re.search(r'<td data-label="Opens">0</td>\s*<td data-label="Enquiries">1</td>', listing)


def test_my_links_and_all_links(staff_client, django_user_model):
    mine = create_link(staff_client, label="Mine")
    other = django_user_model.objects.create_user("kim", password="a-long-test-password")
    EnquiryLink.objects.create(topic="ct-scan", topic_title="CT scan", label="Theirs", created_by=other)
    all_links = staff_client.get("/staff/links/").content.decode()
    my_links = staff_client.get("/staff/links/?mine=1").content.decode()
    assert "Mine" in all_links and "Theirs" in all_links
    assert f'href="/staff/links/{mine.pk}/"' in my_links and "Theirs" not in my_links


def test_the_code_box_at_e_opens_a_link_or_asks_to_check_the_code(client):
    html = client.get("/e/").content.decode()
    assert "<h1>Open the link from the clinic</h1>" in html and 'name="code"' in html
    wrong = client.get("/e/", {"code": "not a code"}, follow=True)
    assert wrong.status_code == 404 and "<h1>Check the address</h1>" in wrong.content.decode()
