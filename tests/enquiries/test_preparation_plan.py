"""A patient's preparation plan (enquiries/plan.py) at /e/<code>/plan/:
each step on its real day and clock time in Europe/London, also across the
clocks changing (29 March and 25 October 2026); its calendar file; reminders
by text message through Notify's real client to our local Notify server,
sent once, and never after a revocation, a changed or cancelled appointment
or an erased number; and the staff side of it."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.core.management import call_command

from radiology_guide.enquiries import messaging
from radiology_guide.enquiries import plan as plans
from radiology_guide.enquiries.models import EnquiryLink, LinkMessage, erase_contact
from radiology_guide.guide.models import Page

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC
NUMBER = "07700 900321"


def at(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def make_link(topic, appointment, arrival=None, **fields):
    titles = {"barium-enema": "Barium enema", "image-guided-biopsy": "Image-guided biopsy"}
    return EnquiryLink.objects.create(
        topic=topic, topic_title=titles.get(topic, topic), appointment_at=appointment, arrival_time=arrival, **fields
    )


def plan_url(link):
    return f"/e/{link.code}/plan/"


def steps_shown(html):
    """(when, what) of each step, in the order the page shows them."""
    items = re.findall(r'<p class="plan-when"><strong>([^<]+)</strong>.*?</p>\s*<p>([^<]+)</p>', html, re.S)
    return [(when.strip(), what.strip()) for when, what in items]


def say(text):
    return text.replace("'", "&#x27;")


# --- Each step on its day and time --------------------------------------------


def test_a_barium_enema_shows_each_step_on_its_day_across_the_clocks_going_forward(client):
    link = make_link("barium-enema", at(2026, 3, 30, 9, 30), arrival=datetime.time(9, 15))
    with time_machine.travel(datetime.datetime(2026, 3, 20, 12, tzinfo=UTC), tick=False):
        response = client.get(plan_url(link))
    html = response.content.decode()
    assert response.status_code == 200
    shown = steps_shown(html)
    assert [when for when, _ in shown] == [
        "Friday 27 March", "Friday 27 March", "Saturday 28 March", "Sunday 29 March", "Monday 30 March, 09:30",
    ]  # fmt: skip
    assert shown[2][1].startswith("Start the low-fibre diet today if your letter says 2 days")
    assert "Please arrive by <strong>09:15</strong>" in html
    assert "If it says something different from this plan, follow your letter" in html
    # What to bring and the warning signs afterwards, from the page itself.
    assert "a spare pair of pants" in html and "Call 999 now if:" in html
    assert "in the days after the test" in html


def test_hours_are_real_hours_on_the_night_the_clocks_go_forward(client):
    # 07:00 BST on Sunday 29 March is 06:00 UTC; 6 hours before is midnight GMT,
    # not the 01:00 that counting back on the clock face would give.
    link = make_link("image-guided-biopsy", at(2026, 3, 29, 7, 0))
    with time_machine.travel(datetime.datetime(2026, 3, 20, 12, tzinfo=UTC), tick=False):
        html = client.get(plan_url(link)).content.decode()
    assert [when for when, _ in steps_shown(html)] == [
        "Sunday 22 March", "Sunday 29 March, 00:00", "Sunday 29 March, 05:00", "Sunday 29 March, 07:00",
    ]  # fmt: skip


def test_hours_are_real_hours_on_the_night_the_clocks_go_back(client):
    # 06:00 GMT on Sunday 25 October; 6 hours before is 00:00 UTC, 01:00 BST.
    link = make_link("image-guided-biopsy", at(2026, 10, 25, 6, 0))
    with time_machine.travel(datetime.datetime(2026, 10, 20, 12, tzinfo=UTC), tick=False):
        html = client.get(plan_url(link)).content.decode()
    assert [when for when, _ in steps_shown(html)] == [
        "Sunday 18 October", "Sunday 25 October, 01:00", "Sunday 25 October, 04:00", "Sunday 25 October, 06:00",
    ]  # fmt: skip


def test_a_barium_enema_the_day_after_the_clocks_go_back(client):
    link = make_link("barium-enema", at(2026, 10, 26, 9, 0))
    with time_machine.travel(datetime.datetime(2026, 10, 20, 12, tzinfo=UTC), tick=False):
        html = client.get(plan_url(link)).content.decode()
    assert [when for when, _ in steps_shown(html)] == [
        "Friday 23 October", "Friday 23 October", "Saturday 24 October", "Sunday 25 October",
        "Monday 26 October, 09:00",
    ]  # fmt: skip


def test_clock_times_on_days_are_by_the_clock_on_that_day():
    steps = [{"when": "-2d 18:00", "what": "First sachet."}, {"when": "-1d 18:00", "what": "Second sachet."},
             {"when": "0d 06:00", "what": "Nothing more to eat."}]  # fmt: skip
    laid = plans.lay_out(steps, at(2026, 3, 30, 9, 0))
    assert [step.at.astimezone(UTC) for step in laid] == [
        datetime.datetime(2026, 3, 28, 18, 0, tzinfo=UTC),  # GMT
        datetime.datetime(2026, 3, 29, 17, 0, tzinfo=UTC),  # BST
        datetime.datetime(2026, 3, 30, 5, 0, tzinfo=UTC),
    ]
    assert [step.when for step in laid] == [
        "Saturday 28 March, 18:00", "Sunday 29 March, 18:00", "Monday 30 March, 06:00",
    ]  # fmt: skip


def test_the_link_offers_the_plan_and_the_unit_instructions_come_first(client):
    link = make_link("barium-enema", at(2026, 3, 30, 9, 30), unit_instructions="Take the first sachet at 18:00.")
    with time_machine.travel(datetime.datetime(2026, 3, 20, 12, tzinfo=UTC), tick=False):
        landing = client.get(link.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0").content.decode()
        html = client.get(plan_url(link)).content.decode()
    assert f'href="{plan_url(link)}">Your preparation plan</a>' in landing
    assert html.index("From the unit") < html.index("What to do, and when")
    assert "Take the first sachet at 18:00." in html
    assert html.count("<h1") == 1 and "noindex" in html


# --- No plan ----------------------------------------------------------------------


def test_no_plan_for_a_past_appointment(client):
    link = make_link("barium-enema", at(2026, 3, 30, 9, 30))
    with time_machine.travel(datetime.datetime(2026, 3, 30, 9, 0, tzinfo=UTC), tick=False):
        response = client.get(plan_url(link))
        landing = client.get(link.get_absolute_url()).content.decode()
        ics = client.get(f"/e/{link.code}/plan.ics")
    assert response.status_code == 404 and "has passed" in response.content.decode()
    assert ics.status_code == 404
    assert "Your preparation plan</a>" not in landing


def test_no_plan_for_a_link_without_an_appointment_or_a_revoked_one(client):
    without = make_link("barium-enema", None)
    response = client.get(plan_url(without))
    assert response.status_code == 404 and "has not added an appointment" in response.content.decode()
    revoked = make_link("barium-enema", at(2027, 3, 1, 9, 0), revoked_at=datetime.datetime.now(UTC))
    assert client.get(plan_url(revoked)).status_code == 404
    assert client.get("/e/AAAA-BBBB-CCCC/plan/").status_code == 404


# --- The calendar file -------------------------------------------------------------


def test_the_calendar_file_parses_and_has_an_alarm_for_each_timed_step(client):
    link = make_link("image-guided-biopsy", at(2026, 3, 29, 7, 0))
    with time_machine.travel(datetime.datetime(2026, 3, 20, 12, tzinfo=UTC), tick=False):
        response = client.get(f"/e/{link.code}/plan.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert 'filename="image-guided-biopsy-appointment.ics"' in response["Content-Disposition"]
    calendar = icalendar.Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == datetime.datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    alarms = event.walk("VALARM")
    triggers = sorted(alarm.decoded("trigger") for alarm in alarms)
    assert triggers == [
        datetime.datetime(2026, 3, 29, 0, 0, tzinfo=UTC),
        datetime.datetime(2026, 3, 29, 4, 0, tzinfo=UTC),
    ]
    assert all(str(alarm["action"]) == "DISPLAY" for alarm in alarms)
    assert "follow your letter" in str(event["description"])


# --- Reminders by text message ------------------------------------------------------


def ask(client, link, step_text, phone=NUMBER):
    html = client.get(plan_url(link)).content.decode()
    value = re.search(r'value="(\d+)">\s*<label[^>]*>[^<]*' + re.escape(say(step_text)[:30]), html)
    assert value, html[-4000:]
    return client.post(plan_url(link), {"step": value[1], "phone": phone})


def run_worker():
    call_command("send_link_messages", stdout=io.StringIO())


BEFORE = datetime.datetime(2026, 3, 28, 12, tzinfo=UTC)
DUE = datetime.datetime(2026, 3, 29, 0, 1, tzinfo=UTC)  # just after the biopsy's "6 hours before"
FASTING = "For many biopsies you stop eating now."


def test_a_reminder_is_sent_once_at_its_time(client, notify_server):
    link = make_link("image-guided-biopsy", at(2026, 3, 29, 7, 0))
    with time_machine.travel(BEFORE, tick=False):
        response = ask(client, link, FASTING)
        assert response.status_code == 302 and response["Location"].endswith("?reminder=set#reminder")
        assert NUMBER.replace(" ", "") not in response["Location"]
        run_worker()  # not yet due
    assert notify_server.sent("sms") == []
    [reminder] = link.messages.all()
    assert reminder.send_after == datetime.datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    with time_machine.travel(DUE, tick=False):
        run_worker()
        run_worker()
    [sms] = notify_server.sent("sms")
    assert sms["to"] == "07700900321" and FASTING in sms["body"]
    assert f"/e/{link.code}/plan/" in sms["body"] and "follow your letter" in sms["body"]
    assert messaging.fragments(sms["body"])[0] <= 3  # the longest step, like this one, makes 3
    reminder.refresh_from_db()
    assert reminder.status == LinkMessage.Status.SENDING and reminder.attempts == 1


def test_no_reminder_after_the_link_is_revoked(client, notify_server):
    link = make_link("image-guided-biopsy", at(2026, 3, 29, 7, 0))
    with time_machine.travel(BEFORE, tick=False):
        ask(client, link, FASTING)
        EnquiryLink.objects.filter(pk=link.pk).update(revoked_at=datetime.datetime.now(UTC))
    with time_machine.travel(DUE, tick=False):
        run_worker()
    assert notify_server.sent("sms") == []
    reminder = link.messages.get()
    assert reminder.status == LinkMessage.Status.CANCELLED and "revoked" in reminder.reason


def test_a_changed_appointment_sends_no_old_reminder_and_shows_the_new_times(client, notify_server):
    link = make_link("image-guided-biopsy", at(2026, 3, 29, 7, 0))
    with time_machine.travel(BEFORE, tick=False):
        ask(client, link, FASTING)
        # Changed behind the staff screen's back: the check when it goes still stops it.
        EnquiryLink.objects.filter(pk=link.pk).update(appointment_at=at(2026, 3, 31, 10, 0))
        html = client.get(plan_url(link)).content.decode()
    assert "Tuesday 31 March, 04:00" in html and "Sunday 29 March" not in html.split("What to do")[1]
    with time_machine.travel(DUE, tick=False):
        run_worker()
    assert notify_server.sent("sms") == []
    assert link.messages.get().reason == "The appointment changed."


def test_staff_change_or_cancel_the_appointment_and_its_reminders_stop(client, clinic_staff, notify_server):
    link = make_link("image-guided-biopsy", at(2026, 3, 29, 7, 0))
    client.force_login(clinic_staff)
    with time_machine.travel(BEFORE, tick=False):
        ask(client, link, FASTING)
        changed = client.post(f"/staff/links/{link.pk}/appointment/", {
            "action": "save", "appt-appointment_date": "2026-03-30", "appt-appointment_time": "08:30",
            "appt-arrival_time": "08:00", "appt-unit_instructions": "",
        })  # fmt: skip
        assert changed.status_code == 302
        link.refresh_from_db()
        assert link.appointment_at == at(2026, 3, 30, 8, 30) and link.arrival_time == datetime.time(8, 0)
        assert link.messages.get().status == LinkMessage.Status.CANCELLED
        ask(client, link, FASTING)
        client.post(f"/staff/links/{link.pk}/appointment/", {"action": "cancel"})
        assert client.get(plan_url(link)).status_code == 404
    with time_machine.travel(datetime.datetime(2026, 3, 30, 2, 0, tzinfo=UTC), tick=False):
        run_worker()
    assert notify_server.sent("sms") == []
    assert {m.reason for m in link.messages.all()} == {"The appointment changed.", "The appointment was cancelled."}


def test_staff_cancel_a_scheduled_reminder_from_the_links_page(client, clinic_staff, notify_server):
    link = make_link("image-guided-biopsy", at(2026, 3, 29, 7, 0))
    client.force_login(clinic_staff)
    with time_machine.travel(BEFORE, tick=False):
        ask(client, link, FASTING)
        reminder = link.messages.get()
        page = client.get(f"/staff/links/{link.pk}/").content.decode()
        assert "Cancel this reminder" in page and "07••• •••321" in page and NUMBER not in page
        client.post(f"/staff/links/{link.pk}/reminders/{reminder.pk}/cancel/")
    with time_machine.travel(DUE, tick=False):
        run_worker()
    assert notify_server.sent("sms") == []
    reminder.refresh_from_db()
    assert reminder.status == LinkMessage.Status.CANCELLED and "Cancelled by sam" in reminder.reason


def test_an_erased_number_gets_no_reminder(client, notify_server):
    link = make_link("image-guided-biopsy", at(2026, 3, 29, 7, 0))
    with time_machine.travel(BEFORE, tick=False):
        ask(client, link, FASTING)
        assert erase_contact(phone=NUMBER) == (0, 1)
    with time_machine.travel(DUE, tick=False):
        run_worker()
    assert notify_server.sent("sms") == [] and not link.messages.exists()


@pytest.mark.parametrize(
    ("phone", "step", "error"),
    [
        ("", "0", "Enter your mobile number"),
        ("020 7946 0000", "0", "Enter a mobile number"),
        (NUMBER, "", "Choose a step"),
        (NUMBER, "99", "Select a valid choice"),
    ],
)
def test_a_reminder_asked_for_wrongly_says_what_to_put_right(client, phone, step, error):
    link = make_link("image-guided-biopsy", at(2026, 3, 29, 7, 0))
    with time_machine.travel(BEFORE, tick=False):
        response = client.post(plan_url(link), {"step": step, "phone": phone})
    html = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in html and error in html
    assert not link.messages.exists()
    if phone:
        assert f'value="{phone}"' in html  # nothing typed is lost


# --- The staff screen ----------------------------------------------------------------


def test_staff_give_the_appointment_when_sending_a_link(client, clinic_staff):
    client.force_login(clinic_staff)
    form = client.get("/staff/").content.decode()
    assert 'type="date"' in form and form.count('type="time"') == 2
    with time_machine.travel(datetime.datetime(2026, 3, 20, 12, tzinfo=UTC), tick=False):
        response = client.post("/staff/", {
            "topic": "Barium enema", "expires": "30", "action": "create", "appointment_date": "2026-03-30",
            "appointment_time": "09:30", "arrival_time": "09:15", "unit_instructions": "Use the side entrance.",
        })  # fmt: skip
        assert response.status_code == 302
        link = EnquiryLink.objects.latest("created_at")
        assert link.appointment_at == at(2026, 3, 30, 9, 30) and link.unit_instructions == "Use the side entrance."
        assert client.get(plan_url(link)).status_code == 200


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"appointment_date": "2026-03-30"}, "Enter the appointment time, or clear the date"),
        ({"appointment_time": "09:30"}, "Enter the appointment date, or clear the time"),
        ({"appointment_date": "2026-03-01", "appointment_time": "09:30"}, "The appointment must be in the future"),
        ({"appointment_date": "2026-03-30", "appointment_time": "09:30", "arrival_time": "10:00"},
         "The arrival time must be before the appointment time"),
        ({"arrival_time": "10:00"}, "Give the appointment date and time as well"),
        ({"appointment_date": "30th", "appointment_time": "09:30"}, "Enter the appointment date as a real date"),
    ],
)  # fmt: skip
def test_a_wrong_appointment_is_refused_and_nothing_made(client, clinic_staff, fields, error):
    client.force_login(clinic_staff)
    with time_machine.travel(datetime.datetime(2026, 3, 20, 12, tzinfo=UTC), tick=False):
        response = client.post("/staff/", {"topic": "Barium enema", "expires": "30", "action": "create", **fields})
    assert response.status_code == 400 and say(error) in response.content.decode()
    assert not EnquiryLink.objects.exists()


def test_retention_forgets_the_appointment_with_the_messages():
    link = make_link("barium-enema", at(2027, 3, 30, 9, 30), unit_instructions="Side entrance.")
    EnquiryLink.objects.filter(pk=link.pk).update(created_at=datetime.datetime(2020, 1, 1, tzinfo=UTC))
    call_command("purge_enquiries", stdout=io.StringIO())
    link.refresh_from_db()
    assert link.appointment_at is None and link.unit_instructions == "" and link.arrival_time is None


def test_every_page_with_timing_lays_out_without_a_step_lost():
    for page in Page.objects.exclude(preparation_timing=[]):
        assert len(plans.lay_out(page.preparation_timing, at(2027, 1, 15, 10))) == len(page.preparation_timing)


def test_the_appointment_survives_the_check_step_before_sending(client, clinic_staff, mailoutbox):
    client.force_login(clinic_staff)
    with time_machine.travel(datetime.datetime(2026, 3, 20, 12, tzinfo=UTC), tick=False):
        data = {"topic": "Barium enema", "expires": "30", "action": "send", "how": "email",
                "email": "patient@example.com", "appointment_date": "2026-03-30",
                "appointment_time": "09:30"}  # fmt: skip
        check = client.post("/staff/", data).content.decode()
        hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', check))
        assert hidden["appointment_date"] == "2026-03-30" and "arrival_time" not in hidden
        assert client.post("/staff/", {**hidden, "action": "send"}).status_code == 302
    assert EnquiryLink.objects.get().appointment_at == at(2026, 3, 30, 9, 30) and len(mailoutbox) == 1


def test_the_text_message_with_the_link_names_the_plan_as_previewed(client, clinic_staff, notify_server,
                                                                     django_capture_on_commit_callbacks):  # fmt: skip
    client.force_login(clinic_staff)
    with time_machine.travel(datetime.datetime(2026, 3, 20, 12, tzinfo=UTC), tick=False):
        data = {"topic": "Barium enema", "expires": "30", "action": "send", "how": "sms", "phone": NUMBER,
                "appointment_date": "2026-03-30", "appointment_time": "09:30"}  # fmt: skip
        check = client.post("/staff/", data).content.decode()
        hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', check))
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/staff/", {**hidden, "action": "send"})
    link = EnquiryLink.objects.get()
    [sms] = notify_server.sent("sms")
    assert f"Your preparation plan for Monday 30 March: {link.plan_url()}" in sms["body"]
    preview = re.search(r'<pre class="sms-preview" id="sms-preview">(.*?)</pre>', check, re.S)[1]
    assert preview.replace("&#x27;", "'").split("/e/")[0] == sms["body"].split("/e/")[0]
    assert "Your preparation plan for Monday 30 March" in preview
