"""A patient's preparation plan: the steps of their page's preparation
timing (guide/timing.py) laid on the real days and clock times before the
appointment staff gave on their link, in Europe/London.

Days are calendar days ("-1d 18:00" is 18:00 by the clock the day before,
whatever the clocks did overnight); hours and minutes are real time ("-6h"
is 6 hours of not eating, also on the night the clocks change).

The plan is built from the link each time, so a changed appointment shows
its new times, and a past or cancelled one shows none. Reminders the patient
asks for are LinkMessages with ``send_after``, re-checked when they go
(enquiries/messaging.py).
"""

import datetime
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.translation import gettext, ngettext

from radiology_guide.core.models import ClinicDetails
from radiology_guide.enquiries import messaging
from radiology_guide.enquiries.models import EnquiryLink, LinkMessage
from radiology_guide.guide.timing import BadWhen, parse_when

logger = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
# A step on a day without a clock time ("3 days before: tell the team") is
# reminded at this time that day.
DAY_REMINDER_CLOCK = datetime.time(9, 0)
# Reminders one link may have waiting: the plan's page is open to anyone with
# the code, so it may not be used to text a number again and again.
MAX_REMINDERS = 5


def local(moment):
    return moment.astimezone(LONDON)


def say_day(day):
    """'Wednesday 9 December', the day's and month's names in the active language."""
    # Translators: a day in a plan, as Django's date format: "Wednesday 9 December".
    return dateformat.format(day, gettext("l j F"))


def say_moment(moment):
    """'Wednesday 9 December, 18:00', in London time."""
    moment = local(moment)
    return gettext("%(day)s, %(time)s") % {"day": say_day(moment.date()), "time": f"{moment:%H:%M}"}


@dataclass
class Step:
    number: int  # the step's place in the page's preparation_timing, for a reminder
    what: str
    day: datetime.date
    at: datetime.datetime | None  # aware, when the step has a clock time
    words: str  # "1 day before at 18:00"

    @property
    def when(self):
        return say_moment(self.at) if self.at else say_day(self.day)

    @property
    def remind_at(self):
        """When a reminder for this step is sent: its time, or 09:00 on its day."""
        return self.at or datetime.datetime.combine(self.day, DAY_REMINDER_CLOCK, tzinfo=LONDON)

    def is_past(self, now):
        return self.remind_at <= now if self.at else self.day < local(now).date()


@dataclass
class Plan:
    link: EnquiryLink
    page: object
    appointment: datetime.datetime
    arrival: datetime.datetime | None
    steps: list[Step] = field(default_factory=list)

    @property
    def timed_steps(self):
        return [step for step in self.steps if step.at]

    def step(self, number):
        return next((step for step in self.steps if step.number == number), None)


def lay_out(step_fields, appointment):
    """The page's steps on real days and times, in time order."""
    appointment = local(appointment)
    steps = []
    for number, item in enumerate(step_fields or []):
        try:
            when = parse_when(item.get("when"))
        except (BadWhen, AttributeError):
            continue  # the loader and admin refuse these; never guess a time
        if when.unit == "d":
            day = appointment.date() + datetime.timedelta(days=when.count)
            at = None
            if when.clock:
                hours, minutes = map(int, when.clock.split(":"))
                at = datetime.datetime.combine(day, datetime.time(hours, minutes), tzinfo=LONDON)
        else:
            delta = datetime.timedelta(hours=when.count) if when.unit == "h" else datetime.timedelta(minutes=when.count)
            # In UTC, so that 6 hours are 6 hours when the clocks change between.
            at = local(appointment.astimezone(datetime.UTC) + delta)
            day = at.date()
        steps.append(Step(number, str(item.get("what", "")), day, at, when.words()))
    # Steps of a day with no clock time come first that day.
    return sorted(steps, key=lambda s: (s.day, s.at is not None, s.at or appointment, s.number))


def plan_for(link, now=None):
    """The plan for a live link with a future appointment, or None."""
    from radiology_guide.guide.models import Page

    now = now or timezone.now()
    if not link.is_live or link.appointment_at is None or link.appointment_at <= now:
        return None
    page = Page.objects.filter(slug=link.topic, kind__in=[Page.Kind.SCAN, Page.Kind.PROCEDURE]).first()
    if page is None:
        return None
    appointment = local(link.appointment_at)
    arrival = None
    if link.arrival_time:
        arrival = datetime.datetime.combine(appointment.date(), link.arrival_time, tzinfo=LONDON)
    return Plan(link, page, appointment, arrival, lay_out(page.preparation_timing, link.appointment_at))


def appointment_from(day, clock):
    """The aware moment of an appointment typed as a date and a time in London."""
    return datetime.datetime.combine(day, clock, tzinfo=LONDON)


def set_appointment(link, appointment_at, arrival_time=None, instructions=""):
    """Staff give, change or cancel (None) the appointment. A change cancels
    the reminders asked for the old one; the re-check when they go would stop
    them anyway, and staff see why."""
    changed = link.appointment_at != appointment_at
    link.appointment_at, link.arrival_time, link.unit_instructions = appointment_at, arrival_time, instructions
    if changed and link.pk:
        link.appointment_changed_at = timezone.now()
        # In English, translated where staff read it (enquiries/messaging.py's reasons).
        reason = messaging.APPOINTMENT_CHANGED if appointment_at else messaging.APPOINTMENT_CANCELLED
        cancel_reminders(link.reminders_waiting(), reason)
    link.save()


def cancel_reminders(reminders, reason):
    return reminders.update(status=LinkMessage.Status.CANCELLED, reason=reason, status_at=timezone.now())


def reminder_text(plan, step):
    clinic = ClinicDetails.load()
    context = {"clinic": clinic, "step": step, "plan": plan, "site_url": settings.SITE_URL}
    return messaging.gsm_friendly(render_to_string("sms/plan_reminder.txt", context).strip())


class NoReminder(ValueError):
    pass


def ask_for_reminder(plan, number, phone, now=None):
    """A text message to ``phone`` at step ``number``'s time: a LinkMessage
    waiting to go, sent by the worker at that time (tasks.send_link_message
    with run_after) or by send_link_messages once it is due."""
    from radiology_guide.enquiries import tasks

    now = now or timezone.now()
    step = plan.step(number)
    if step is None:
        raise NoReminder(gettext("Choose a step of your plan"))
    if step.remind_at <= now:
        raise NoReminder(gettext("That time has passed. Choose a later step"))
    if plan.link.reminders_waiting().count() >= MAX_REMINDERS:
        raise NoReminder(
            ngettext(
                "This plan already has %(count)d reminder waiting. Call the unit to change it",
                "This plan already has %(count)d reminders waiting. Call the unit to change them",
                MAX_REMINDERS,
            )
            % {"count": MAX_REMINDERS}
        )

    message = LinkMessage.objects.create(
        link=plan.link,
        channel=LinkMessage.Channel.SMS,
        to=phone,
        body=reminder_text(plan, step),
        send_after=step.remind_at,
        for_appointment=plan.link.appointment_at,
    )
    transaction.on_commit(lambda: tasks.schedule_reminder(message.pk, message.send_after), robust=True)
    logger.info("plan reminder asked message=%s link=%s", message.pk, plan.link.pk)
    return message
