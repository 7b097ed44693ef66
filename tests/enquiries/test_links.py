"""Clinic staff send a patient an enquiry link; the patient lands on the
right topic with the form ready; staff see which link brought the enquiry."""

import io
import re

import pytest
import zxingcpp
from django.core import mail
from django.utils import timezone
from PIL import Image

from radiology_guide.enquiries.models import Enquiry, EnquiryLink
from tests.helpers import form_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, clinic_staff):
    client.force_login(clinic_staff)
    return client


def create_link(staff_client, **fields):
    data = {"topic": "uterine-fibroid-embolisation", "label": "Fibroid clinic leaflet", "expires": "30"}
    data.update(fields)
    response = staff_client.post("/staff/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return EnquiryLink.objects.latest("created_at")


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/staff/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/?next=/staff/")


def test_signed_in_users_outside_clinic_staff_are_refused(client, editor):
    client.force_login(editor)
    assert client.get("/staff/").status_code == 403
    assert client.post("/staff/", {"topic": "ct-scan", "expires": "30"}).status_code == 403
    link = EnquiryLink.objects.create(topic="ct-scan", topic_title="CT scan")
    assert client.post(f"/staff/links/{link.pk}/revoke/").status_code == 403
    assert client.get("/staff/links/").status_code == 403


def test_staff_create_a_link_and_see_link_copy_field_qr_and_message(staff_client, clinic_staff):
    link = create_link(staff_client)
    assert link.created_by == clinic_staff and link.topic_title == "Fibroid embolisation (UFE)"
    assert timezone.timedelta(days=29) < link.expires_at - timezone.now() <= timezone.timedelta(days=30)
    html = staff_client.get(f"/staff/links/{link.pk}/").content.decode()
    assert f'readonly value="http://127.0.0.1:8000/e/{link.token}"' in html
    assert f'src="/staff/links/{link.pk}/qr.svg"' in html and f'href="/staff/links/{link.pk}/qr.png"' in html
    assert "has sent you a link to information about Fibroid embolisation (UFE)" in html  # ready-to-send text
    assert "no-store" in staff_client.get("/staff/")["Cache-Control"]


def test_link_for_printed_leaflets_never_expires(staff_client):
    assert create_link(staff_client, expires="never").expires_at is None


def test_tokens_are_unique_unguessable_and_hold_no_id_or_patient_data(staff_client):
    tokens = {create_link(staff_client, label=f"Leaflet {n}").token for n in range(20)}
    assert len(tokens) == 20
    for token in tokens:
        assert len(token) >= 16 and re.fullmatch(r"[A-Za-z0-9_-]+", token)
        assert not token.isdigit()


def test_qr_png_decodes_to_the_link(staff_client):
    link = create_link(staff_client)
    response = staff_client.get(f"/staff/links/{link.pk}/qr.png")
    assert response["Content-Type"] == "image/png"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
    assert [code.text for code in decoded] == [link.full_url()]


def test_qr_svg_is_an_svg_of_the_link(staff_client):
    link = create_link(staff_client)
    response = staff_client.get(f"/staff/links/{link.pk}/qr.svg")
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg") and link.full_url().encode() in response.content  # in its <title>


def test_email_the_link_without_storing_the_address(staff_client, caplog):
    link = create_link(staff_client)
    response = staff_client.post(f"/staff/links/{link.pk}/", {"email": "patient@example.com"}, follow=True)
    assert "The email has been sent" in response.content.decode()
    assert mail.outbox[-1].to == ["patient@example.com"] and link.full_url() in mail.outbox[-1].body
    assert "patient@example.com" not in caplog.text
    from django.db import connection

    for table in connection.introspection.table_names():
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names come from the schema
            assert "patient@example.com" not in repr(cursor.fetchall()), table


def test_patient_lands_on_the_topic_with_the_form_preselected_and_the_open_counted(client, staff_client):
    link = create_link(staff_client)
    staff_client.logout()
    response = client.get(f"/e/{link.token}")
    html = response.content.decode()
    assert "<h1>Fibroid embolisation (UFE)</h1>" in html
    assert 'href="/procedures/uterine-fibroid-embolisation/"' in html
    assert '<option value="uterine-fibroid-embolisation" selected>' in html
    assert "no-store" in response["Cache-Control"]
    link.refresh_from_db()
    assert link.opens == 1


def test_an_enquiry_sent_from_a_link_records_the_link(client, staff_client, valid_post):
    link = create_link(staff_client)
    response = client.post(f"/e/{link.token}", valid_post(topic="uterine-fibroid-embolisation"))
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.link == link
    html = staff_client.get(f"/staff/links/{link.pk}/").content.decode()
    assert enquiry.reference in html
    listing = staff_client.get("/staff/links/").content.decode()
    assert re.search(r"<td>0</td>\s*<td>1</td>", listing)  # opens 0 (a POST is not an open), enquiries 1


@pytest.mark.parametrize("how", ["expired", "revoked"])
def test_an_expired_or_revoked_link_offers_the_general_guide_and_form(client, staff_client, valid_post, how):
    link = create_link(staff_client)
    if how == "expired":
        EnquiryLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timezone.timedelta(minutes=1))
    else:
        assert staff_client.post(f"/staff/links/{link.pk}/revoke/").status_code == 302
    html = client.get(f"/e/{link.token}").content.decode()
    assert "This link has expired" in html and 'href="/"' in html and 'name="form_token"' in html
    assert client.post(f"/e/{link.token}", valid_post(form_token=form_token())).status_code == 302
    assert Enquiry.objects.get().link is None


def test_an_unknown_token_also_offers_the_guide_and_form(client):
    html = client.get("/e/not-a-real-token").content.decode()
    assert "This link has expired" in html


def test_my_links_and_all_links(staff_client, django_user_model):
    from django.contrib.auth.models import Group

    mine = create_link(staff_client, label="Mine")
    other = django_user_model.objects.create_user("kim", password="a-long-test-password")
    other.groups.add(Group.objects.get(name="Clinic staff"))
    EnquiryLink.objects.create(topic="ct-scan", topic_title="CT scan", label="Theirs", created_by=other)
    all_links = staff_client.get("/staff/links/").content.decode()
    my_links = staff_client.get("/staff/links/?mine=1").content.decode()
    assert "Mine" in all_links and "Theirs" in all_links
    assert f'href="/staff/links/{mine.pk}/"' in my_links and "Theirs" not in my_links
