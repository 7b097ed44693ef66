"""The enquiry inbox keeps the form's promise: a reply within
ENQUIRY_REPLY_DAYS working days. Staff find an enquiry, take it, call the
patient, close it, and every step is on its timeline."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from radiology_guide.core.models import ClinicDetails
from radiology_guide.enquiries.models import Enquiry, EnquiryLink
from radiology_guide.staff.workdays import age_in_working_days, overdue_cutoff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, clinic_staff):
    client.force_login(clinic_staff)
    return client


CLINIC = ClinicDetails(working_days="Mon Tue Wed Thu Fri", bank_holidays="2026-12-25\n2026-12-28")


@pytest.mark.parametrize(
    ("received", "today", "age", "overdue"),
    [
        ("2026-11-23", "2026-11-24", 1, False),  # Monday's enquiry on Tuesday
        ("2026-11-23", "2026-11-25", 2, False),  # ...on Wednesday: still within 2 working days
        ("2026-11-23", "2026-11-26", 3, True),  # ...on Thursday: overdue
        ("2026-11-27", "2026-12-01", 2, False),  # Friday's, over a weekend, on Tuesday
        ("2026-11-28", "2026-12-02", 3, True),  # Saturday's counts from Monday
        ("2026-12-24", "2026-12-30", 2, False),  # Christmas Day and the Monday holiday do not count
        ("2026-12-24", "2026-12-31", 3, True),
    ],
)
def test_working_days_skip_closed_days_and_bank_holidays(received, today, age, overdue):
    received_at = timezone.make_aware(datetime.datetime.fromisoformat(received + "T10:00"))
    today = datetime.date.fromisoformat(today)
    assert age_in_working_days(received_at, today=today, clinic=CLINIC) == age
    assert (received_at < overdue_cutoff(today=today, clinic=CLINIC, reply_days=2)) is overdue


@pytest.mark.parametrize(
    ("field", "value", "valid"),
    [
        ("working_days", "Mon Tue Wed Thu Fri", True),
        ("working_days", "mon, tue, sat", True),
        ("working_days", "Mon Funday", False),
        ("working_days", "", False),
        ("bank_holidays", "2026-12-25\n2026-12-28\n", True),
        ("bank_holidays", "25/12/2026", False),
    ],
)
def test_opening_days_and_bank_holidays_are_an_editable_checked_list(field, value, valid):
    details = ClinicDetails(**{field: value})
    if valid:
        details.full_clean()
    else:
        with pytest.raises(ValidationError):
            details.full_clean()


def test_the_inbox_lists_open_enquiries_with_contact_links_age_and_overdue_marked(make_enquiry, staff_client):
    old = make_enquiry(days_ago=10, name="Ada Lovelace", phone="+44 7700 900123")
    new = make_enquiry(days_ago=0, name="Alan Turing", phone="", email="alan@example.com", preferred_contact="email")
    closed = make_enquiry(days_ago=1, name="Closed Person", status=Enquiry.Status.CLOSED)
    held = make_enquiry(days_ago=1, name="Held Person", status=Enquiry.Status.HELD)
    html = staff_client.get("/staff/enquiries/").content.decode()
    assert old.reference in html and new.reference in html
    assert closed.reference not in html and held.reference not in html
    assert '<a href="tel:07700900123">+44 7700 900123</a>' in html
    assert '<a href="mailto:alan@example.com">alan@example.com</a>' in html
    rows = re.findall(r"<tr( class=\"overdue\")?>\s*<th scope=\"row\"><a class=\"reference\"[^>]*>([^<]+)</a>", html)
    assert rows == [(' class="overdue"', old.reference), ("", new.reference)]  # oldest first
    assert "1 overdue" in html
    assert "0 working days" in html


def test_filters_mine_unassigned_and_overdue(make_enquiry, staff_client, clinic_staff, django_user_model):
    kim = django_user_model.objects.create_user("kim", password="a-long-test-password")
    mine = make_enquiry(days_ago=1, name="Mine", assignee=clinic_staff)
    theirs = make_enquiry(days_ago=1, name="Theirs", assignee=kim)
    nobody = make_enquiry(days_ago=1, name="Nobody's")
    late = make_enquiry(days_ago=9, name="Late")
    late_but_called = make_enquiry(days_ago=9, name="Called", status=Enquiry.Status.CONTACTED)

    def shown(show):
        html = staff_client.get("/staff/enquiries/", {"show": show}).content.decode()
        return {e.reference for e in (mine, theirs, nobody, late, late_but_called) if e.reference in html}

    assert shown("mine") == {mine.reference}
    assert shown("unassigned") == {nobody.reference, late.reference, late_but_called.reference}
    assert shown("overdue") == {late.reference}


@pytest.mark.parametrize("typed", ["reference", "reference lower case", "name", "phone with spaces", "phone +44"])
def test_search_by_reference_name_or_phone(make_enquiry, staff_client, typed):
    wanted = make_enquiry(name="Mary Seacole", phone="07700 900555")
    other = make_enquiry(name="Florence Nightingale", phone="07700 900999")
    query = {
        "reference": wanted.reference,
        "reference lower case": wanted.reference.lower(),
        "name": "seacole",
        "phone with spaces": "07700900 555",
        "phone +44": "+44 7700 900555",
    }[typed]
    html = staff_client.post("/staff/enquiries/", {"q": query}).content.decode()
    assert wanted.reference in html and other.reference not in html
    # A search in the address is ignored: patients' details stay out of URLs and logs.
    assert other.reference in staff_client.get("/staff/enquiries/", {"q": query}).content.decode()


def test_assign_contact_note_and_close_each_show_on_the_timeline_with_who_and_when(
    make_enquiry, staff_client, clinic_staff
):
    enquiry = make_enquiry(days_ago=5)
    page = f"/staff/enquiries/{enquiry.reference}/"
    assert "Overdue" in staff_client.get(page).content.decode()

    assert staff_client.post(page + "assign/")["Location"] == page
    staff_client.post(page + "contacted/", {"how": "no-answer"})
    enquiry.refresh_from_db()
    assert enquiry.assignee == clinic_staff and enquiry.status == Enquiry.Status.NEW  # no answer: still to do
    staff_client.post(page + "contacted/", {"how": "phone"})
    staff_client.post(page + "note/", {"note": "Booked for Tuesday & told them to fast."})
    staff_client.post(page + "closed/", {"outcome": "booked"})

    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.CLOSED and enquiry.outcome == "booked"
    assert enquiry.first_contacted_at is not None and enquiry.status_changed_by == clinic_staff
    html = staff_client.get(page).content.decode()
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S).group(1)
    steps = [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in re.findall(r"<li>(.*?)</li>", timeline, re.S)]
    assert [step.split(" by ")[0] for step in steps] == [
        steps[0],  # Received, with its time
        "Assigned to sam",
        "Contacted : Phoned, no answer",
        "Contacted : By phone",
        "Note : Booked for Tuesday &amp; told them to fast.",
        "Closed : Appointment booked",
    ]
    assert steps[0].startswith("Received")
    assert all(re.search(r"by sam, \d+ \w+ \d{4}, \d\d:\d\d$", step) for step in steps[1:])
    assert "Overdue" not in html
    assert enquiry.reference not in staff_client.get("/staff/enquiries/").content.decode()  # closed: out of the inbox


def test_an_action_without_its_choice_says_what_is_missing(make_enquiry, staff_client):
    enquiry = make_enquiry()
    response = staff_client.post(f"/staff/enquiries/{enquiry.reference}/contacted/", {})
    assert response.status_code == 400 and "Choose how you contacted them" in response.content.decode()
    assert not enquiry.events.exists()


def test_internal_notes_are_escaped(make_enquiry, staff_client):
    enquiry = make_enquiry(message="<script>alert(1)</script>")
    staff_client.post(f"/staff/enquiries/{enquiry.reference}/note/", {"note": "<b>bold</b>"})
    html = staff_client.get(f"/staff/enquiries/{enquiry.reference}/").content.decode()
    assert "<script>alert(1)" not in html and "<b>bold</b>" not in html and "&lt;b&gt;bold" in html


def test_the_inbox_links_an_enquiry_to_the_link_it_came_from(make_enquiry, staff_client):
    link = EnquiryLink.objects.create(topic="ct-scan", topic_title="CT scan")
    enquiry = make_enquiry(link=link)
    html = staff_client.get("/staff/enquiries/").content.decode()
    assert f'<a href="/staff/links/{link.pk}/">{link.code}</a>' in html and enquiry.reference in html


def test_the_overdue_digest_emails_the_clinic_references_only(make_enquiry, settings):
    settings.ENQUIRY_NOTIFY_EMAILS = ["desk@clinic.example"]
    late = make_enquiry(days_ago=9, name="Private Name", topic_title="Children's CT & X-ray")
    make_enquiry(days_ago=0)
    call_command("send_overdue_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115
    [message] = mail.outbox
    assert message.to == ["desk@clinic.example"] and message.subject == "1 overdue enquiry"
    assert late.reference in message.body and "Children's CT & X-ray" in message.body
    assert f"/staff/enquiries/{late.reference}/" in message.body
    assert "Private Name" not in message.body and "07700" not in message.body


def test_no_digest_when_nothing_is_overdue(make_enquiry):
    make_enquiry(days_ago=0)
    call_command("send_overdue_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert mail.outbox == []


def test_superusers_see_the_same_timeline_read_only_in_the_admin(make_enquiry, admin_client, admin_user):
    enquiry = make_enquiry()
    enquiry.record("note", admin_user, "Left a voicemail & will try again.")
    html = admin_client.get(f"/admin/enquiries/enquiry/{enquiry.pk}/change/").content.decode()
    assert "Left a voicemail &amp; will try again." in html
    assert 'name="events-0-detail"' not in html  # shown, not editable


def test_the_inbox_previews_each_message_and_marks_warning_signs_urgent(make_enquiry, staff_client):
    calm = make_enquiry(message="Do I need to fast before my scan? " + "I have a few other questions too. " * 10)
    leaking = make_enquiry(name="Leaking", message="My nephrostomy BAG IS LEAKING since this morning")
    breathless = make_enquiry(name="Breathless", message="After the biopsy I can\u2019t breathe properly")
    html = staff_client.get("/staff/enquiries/").content.decode()
    rows = {ref: row for row, ref in ((row, re.search(r"RG-[0-9A-Z]{4}-[0-9A-Z]{4}", row).group(0))
                                      for row in re.findall(r"<tr[ >].*?</tr>", html, re.S)[1:])}  # fmt: skip
    preview = re.search(r'<p class="preview">([^<]+)</p>', rows[calm.reference]).group(1)
    assert preview.startswith("Do I need to fast before my scan?") and preview.endswith("…") and len(preview) <= 120
    assert "tag-urgent" not in rows[calm.reference]
    assert '<strong class="tag tag-urgent">Urgent</strong> mentions “bag is leaking”' in rows[leaking.reference]
    assert "mentions “can&#x27;t breathe”" in rows[breathless.reference]
    detail = staff_client.get(f"/staff/enquiries/{leaking.reference}/").content.decode()
    assert '<strong class="tag tag-urgent">Urgent</strong> mentions “bag is leaking”' in detail


@pytest.mark.parametrize(
    ("message", "sign"),
    [
        ("There is blood everywhere", "blood everywhere"),
        ("it's bleeding again", "bleeding"),
        ("I cant breathe", "can't breathe"),
        ("I have a fever and shivering", "fever"),
        ("Can I drive home afterwards?", ""),
        ("What should I wear?", ""),
        ("The tube fell out last night", "tube fell out"),
    ],
)
def test_warning_signs_are_found_in_any_case_and_apostrophe(message, sign):
    from radiology_guide.staff.warning_signs import warning_sign

    assert warning_sign(message) == sign


def test_a_failed_action_shows_an_error_summary_at_the_top(make_enquiry, staff_client):
    enquiry = make_enquiry()
    html = staff_client.post(f"/staff/enquiries/{enquiry.reference}/closed/", {}).content.decode()
    summary = re.search(r'<div class="govuk-error-summary".*?</div>', html, re.S).group(0)
    assert "There is a problem" in summary and '<a href="#close_outcome_0">Choose an outcome</a>' in summary
    assert 'id="close_outcome_0"' in html and html.index("govuk-error-summary") < html.index("<h1>")
    assert "<title>Error: " in html


@pytest.mark.parametrize(
    ("action", "data", "said"),
    [
        ("assign", {}, "Assigned to you."),
        ("contacted", {"how": "phone"}, "Marked as contacted: by phone."),
        ("contacted", {"how": "no-answer"}, "Recorded: phoned, no answer. It stays new until someone reaches them."),
        ("closed", {"outcome": "booked"}, "Closed: appointment booked."),
        ("note", {"note": "Left a message."}, "Note added."),
    ],
)
def test_each_action_says_it_was_done(make_enquiry, staff_client, action, data, said):
    enquiry = make_enquiry()
    response = staff_client.post(f"/staff/enquiries/{enquiry.reference}/{action}/", data, follow=True)
    assert f'<div class="panel" role="status"><p>{said}</p></div>' in response.content.decode()
