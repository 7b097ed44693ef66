"""A patient's preparation plan as a calendar file (RFC 5545, built with the
``icalendar`` package): the appointment, with an alarm at each step that has
a clock time, so a phone's calendar reminds them with nothing sent by us.

Every time is written in UTC ("...Z"): a calendar then needs no time zone
definition, and shows each in its own zone, right on both sides of the
clocks changing.

icalendar (with dateutil, about 4 MB in a worker) is imported when a plan's
calendar is first asked for, not with the URLs: most workers never build one.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext


def utc(moment):
    return moment.astimezone(datetime.UTC)


def plan_calendar(plan, clinic) -> bytes:
    from icalendar import Alarm, Calendar, Event  # imported when used: see the docstring

    link = plan.link
    plan_url = link.plan_url()
    calendar = Calendar()
    calendar.add("prodid", f"-//{clinic.name}//Radiology Guide preparation plan//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    # The link and the appointment: a changed appointment is a new event, not
    # an update a calendar might merge with the old one.
    host = urlsplit(settings.SITE_URL).hostname or "radiology-guide"
    event.add("uid", f"plan-{link.pk}-{utc(plan.appointment):%Y%m%dT%H%M%SZ}@{host}")
    event.add("dtstamp", utc(datetime.datetime.now(datetime.UTC)))
    event.add("dtstart", utc(plan.appointment))
    event.add("summary", gettext("%(topic)s at %(clinic)s") % {"topic": link.topic_title, "clinic": clinic.name})
    lines = []
    if plan.arrival:
        lines.append(gettext("Arrive by %(time)s.") % {"time": f"{plan.arrival:%H:%M}"})
    if link.unit_instructions:
        lines.append(gettext("From the unit: %(instructions)s") % {"instructions": link.unit_instructions})
    lines.append(gettext("Your preparation plan: %(url)s") % {"url": plan_url})
    lines.append(gettext("If your appointment letter says something different, follow your letter."))

    event.add("description", "\n".join(lines))
    event.add("url", plan_url)
    event.add("location", ", ".join(line.strip() for line in clinic.address.splitlines() if line.strip()))
    for step in plan.timed_steps:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", step.what)
        alarm.add("trigger", utc(step.at))
        event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()
