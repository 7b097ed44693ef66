"""Clinic staff handle enquiries in admin; content editors never see them."""

import csv
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from radiology_guide.enquiries.models import Enquiry
from radiology_guide.guide.models import Page

pytestmark = pytest.mark.django_db


def test_clinic_staff_see_enquiries_but_cannot_edit_content(make_enquiry, client, clinic_staff):
    make_enquiry()
    client.force_login(clinic_staff)
    assert client.get("/admin/enquiries/enquiry/").status_code == 200
    page = Page.objects.get(slug="ct-scan")
    assert client.get(f"/admin/guide/page/{page.pk}/change/").status_code == 403
    assert client.get("/admin/guide/page/").status_code == 403


def test_content_editors_cannot_see_enquiries(make_enquiry, client, editor):
    enquiry = make_enquiry()
    client.force_login(editor)
    assert client.get("/admin/guide/page/").status_code == 200
    assert client.get("/admin/enquiries/enquiry/").status_code == 403
    assert client.get(f"/admin/enquiries/enquiry/{enquiry.pk}/change/").status_code == 403


def test_enquiry_list_searches_by_reference_name_and_email(make_enquiry, client, clinic_staff):
    first = make_enquiry(name="Ada Patient", email="ada@example.com")
    make_enquiry(name="Bo Other", email="bo@example.com")
    client.force_login(clinic_staff)
    for term in (first.reference, "Ada", "ada@example.com"):
        html = client.get("/admin/enquiries/enquiry/", {"q": term}).content.decode()
        assert first.reference in html and "Bo Other" not in html


def test_status_change_records_who_and_when(make_enquiry, client, clinic_staff):
    enquiry = make_enquiry()
    client.force_login(clinic_staff)
    response = client.post(
        f"/admin/enquiries/enquiry/{enquiry.pk}/change/",
        {"status": "contacted", "assignee": clinic_staff.pk, "notes": "Rang back, booked in."},
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == "contacted" and enquiry.notes == "Rang back, booked in."
    assert enquiry.status_changed_by == clinic_staff and enquiry.status_changed_at is not None


def test_a_message_with_html_is_shown_escaped(make_enquiry, client, clinic_staff):
    enquiry = make_enquiry(message='<script>alert("x")</script><b>bold</b>')
    client.force_login(clinic_staff)
    html = client.get(f"/admin/enquiries/enquiry/{enquiry.pk}/change/").content.decode()
    assert "&lt;script&gt;alert(" in html
    assert '<script>alert("x")' not in html


def test_csv_export_of_the_selection(make_enquiry, client, clinic_staff):
    chosen = make_enquiry(name="Ada Patient", phone="=HYPERLINK(1)")
    make_enquiry(name="Not Chosen")
    client.force_login(clinic_staff)
    response = client.post("/admin/enquiries/enquiry/", {"action": "export_csv", "_selected_action": [chosen.pk]})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "reference" and len(rows) == 2
    assert rows[1][0] == chosen.reference and "Ada Patient" in rows[1]
    assert "'=HYPERLINK(1)" in rows[1]  # a formula a patient typed cannot run in a spreadsheet


def test_purge_deletes_only_enquiries_older_than_the_retention_period(make_enquiry, settings):
    settings.ENQUIRY_RETENTION_DAYS = 30
    old = make_enquiry(name="Old One")
    Enquiry.objects.filter(pk=old.pk).update(received_at=timezone.now() - timezone.timedelta(days=31))
    recent = make_enquiry(name="Recent One")
    out = io.StringIO()
    call_command("purge_enquiries", "--dry-run", stdout=out)
    assert "1 enquiry(s) older than 30 days would be deleted" in out.getvalue()
    assert Enquiry.objects.count() == 2
    call_command("purge_enquiries", stdout=out)
    assert list(Enquiry.objects.all()) == [recent]


def test_erase_removes_every_enquiry_from_one_email_or_phone(make_enquiry):
    make_enquiry(name="Ada One", email="ada@example.com", phone="")
    make_enquiry(name="Ada Two", email="ADA@example.com", phone="")
    make_enquiry(name="Ada Three", email="", phone="+44 7700 900982")
    keep = make_enquiry(name="Someone Else", email="else@example.com", phone="")
    call_command("erase_enquiries", "--email", "ada@example.com", "--phone", "07700 900982", stdout=io.StringIO())
    assert list(Enquiry.objects.all()) == [keep]


def test_erase_action_in_admin(make_enquiry, client, django_user_model):
    admin_user = django_user_model.objects.create_superuser("boss", "boss@example.com", "a-long-test-password")
    first = make_enquiry(name="Ada One", email="ada@example.com")
    make_enquiry(name="Ada Two", email="ada@example.com")
    keep = make_enquiry(name="Someone Else", email="else@example.com", phone="")
    client.force_login(admin_user)
    client.post("/admin/enquiries/enquiry/", {"action": "erase_same_contact", "_selected_action": [first.pk]})
    assert list(Enquiry.objects.all()) == [keep]
