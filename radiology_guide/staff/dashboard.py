"""How it is going: enquiries, links and response times for a period.

Everything is counted by the database in six passes over a period's rows,
whatever its length: enquiries by week and topic (the totals and the topic
chart are sums of it), contacts by the days they arrived and were first
contacted (the percentiles, in working days like the inbox and the promise),
enquiries by link, the overdue count, and communication needs (two, over
only the rows that have one). Python only lays the numbers out.
Charts are SVG drawn here, each with its numbers in a table for screen
readers. Timings with 100,000 enquiries: bench/dashboard.py, docs/staff.md.
"""

import collections
import datetime
from datetime import timedelta

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.shortcuts import render
from django.utils import dateformat, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from radiology_guide.core.models import ClinicDetails
from radiology_guide.enquiries import needs
from radiology_guide.enquiries.models import Enquiry, EnquiryLink
from radiology_guide.staff.access import staff_required
from radiology_guide.staff.inbox import overdue
from radiology_guide.staff.workdays import working_days_between

PERIODS = {"7": _("Last 7 days"), "30": _("Last 30 days"), "90": _("Last 90 days"), "365": _("Last 12 months")}
TOP_TOPICS = 8
WEEK_TOPICS = 4  # columns in the week-by-topic table that still fit a phone


# SVG units in a 400-wide chart: 26 a row, labels in the first 150, the longest bar 200.
BAR_PITCH, BAR_HEIGHT, BAR_X, BAR_MAX = 26, 18, 150, 200


def bars(rows, label_key, value_key):
    """Rows for a horizontal SVG bar chart: label, value, and where to draw it."""
    biggest = max((row[value_key] or 0 for row in rows), default=0) or 1
    return [
        {
            "label": row[label_key],
            "value": row[value_key] or 0,
            "y": index * BAR_PITCH,
            "text_y": index * BAR_PITCH + BAR_HEIGHT - 5,
            "width": round(BAR_MAX * (row[value_key] or 0) / biggest, 1),
            "value_x": round(BAR_X + BAR_MAX * (row[value_key] or 0) / biggest + 4, 1),
        }
        for index, row in enumerate(rows)
    ]


def percentiles(counts, fractions):
    """The value at each percentile of a {value: how many} count, and how
    many there were: ([value or None, ...], total)."""
    values = sorted(counts.items())
    total = sum(n for _value, n in values)
    if not total:
        return [None for _ in fractions], 0
    found = []
    for fraction in fractions:
        index, seen = min(total - 1, int(fraction * (total - 1) + 0.5)), 0
        for value, n in values:
            seen += n
            if seen > index:
                found.append(value)
                break
    return found, total


def day_starts(since, now):
    """Midnight (local time) of every day from `since` to `now`."""
    day, last = timezone.localtime(since).date(), timezone.localdate(now)
    starts = []
    while day <= last:
        starts.append(timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)))
        day += timedelta(days=1)
    return starts


def working_days_to_contact(contacted, since, now, clinic):
    """{working days from arrival to first contact: how many}, counted as the
    inbox counts an enquiry's age and the promise is kept (staff/workdays.py).

    One GROUP BY over (day it arrived, day it was first contacted), each
    found by the nested CASEs of `period_index`; the few hundred distinct
    pairs are then turned into working days here, each once."""
    starts = day_starts(since, now)
    dates = [timezone.localdate(start) for start in starts]
    pairs = (
        contacted.annotate(
            arrived=period_index(starts, "received_at"), reached=period_index(starts, "first_contacted_at")
        )
        .values_list("arrived", "reached")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("arrived", "reached", "n")
    )
    counts = collections.Counter()
    for arrived, reached, n in pairs:
        counts[working_days_between(dates[arrived], dates[reached], clinic)] += n
    return counts


def week_starts(since, now):
    """Monday 00:00 (local time) of every week from `since` to `now`."""
    day = timezone.localtime(since).date()
    monday = day - timedelta(days=day.weekday())
    starts = []
    while monday <= timezone.localdate(now):
        starts.append(timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min)))
        monday += timedelta(days=7)
    return starts


def period_index(starts, field="received_at"):
    """An SQL expression: which of the periods beginning at ``starts`` a row's
    ``field`` falls in (0 for the first, or before it). A binary search
    written as nested CASEs: about 6 comparisons a row for a year's weeks, 9
    for its days, read from the covering index. A date function per row
    (Django's Trunc is a Python function on SQLite) or a query per week cost
    far more (bench/dashboard.py)."""

    def within(first, last):
        if last - first == 1:
            return Value(first)
        middle = (first + last) // 2
        return Case(
            When(**{f"{field}__lt": starts[middle]}, then=within(first, middle)),
            default=within(middle, last),
            output_field=IntegerField(),
        )

    return within(0, len(starts))


def figures(days, now=None):
    now = now or timezone.now()
    since = now - timedelta(days=days)
    answerable = Enquiry.objects.exclude(status=Enquiry.Status.HELD)
    enquiries = answerable.filter(received_at__gte=since)

    weeks = week_starts(since, now)
    week_topics = [collections.Counter() for _ in weeks]
    for week, title, n in (
        enquiries.annotate(week=period_index(weeks))
        .values_list("week", "topic_title")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("week", "topic_title", "n")
    ):
        week_topics[week][title] += n
    weekly = [
        # Translators: "week commencing" and a Django date format: "w/c 7 Dec".
        {"label": dateformat.format(start, gettext("\\w/\\c j M")), "n": sum(counts.values())}
        for start, counts in zip(weeks, week_topics, strict=True)
    ]
    by_topic = [
        {"topic_title": title, "n": n}
        for title, n in sorted(sum(week_topics, collections.Counter()).items(), key=lambda item: (-item[1], item[0]))
    ]
    top = [row["topic_title"] for row in by_topic[:WEEK_TOPICS]]
    weekly_by_topic = [
        {"label": row["label"], "counts": [(title, counts.get(title, 0)) for title in top],
         "other": row["n"] - sum(counts.get(title, 0) for title in top)}
        for row, counts in zip(weekly, week_topics, strict=True)
    ]  # fmt: skip

    # Enquiries per link made in the period (on the link's index, no joins);
    # the few thousand links are then added up by topic and by person here.
    links = EnquiryLink.objects.filter(created_at__gte=since)
    per_link = dict(
        answerable.filter(link__in=links.values("pk")).values_list("link").annotate(n=Count("pk")).order_by()
    )
    link_rows = {"topic": {}, "staff": {}}
    for pk, topic, username, opens in links.values_list("pk", "topic_title", "created_by__username", "opens"):
        for key, label in (("topic", topic), ("staff", username or gettext("(deleted user)"))):
            row = link_rows[key].setdefault(label, {"label": label, "created": 0, "opens": 0, "enquiries": 0})
            row["created"] += 1
            row["opens"] += opens or 0
            row["enquiries"] += per_link.get(pk, 0)
    link_rows = {
        key: sorted(rows.values(), key=lambda row: (-row["created"], row["label"])) for key, rows in link_rows.items()
    }

    with_needs, need_counts, languages = communication_needs(enquiries)

    clinic = ClinicDetails.load()
    contact_days = working_days_to_contact(enquiries.filter(first_contacted_at__isnull=False), since, now, clinic)
    (median, p90), contacted = percentiles(contact_days, (0.5, 0.9))
    return {
        "total": sum(row["n"] for row in weekly),
        "weekly": bars(weekly, "label", "n"),
        "week_topic_names": top,
        "weekly_by_topic": weekly_by_topic,
        "by_topic": bars(by_topic[:TOP_TOPICS], "topic_title", "n"),
        "other_topics": sum(row["n"] for row in by_topic[TOP_TOPICS:]),
        "links_by_topic": link_rows["topic"],
        "links_by_staff": link_rows["staff"],
        "links_created": sum(row["created"] for row in link_rows["topic"]),
        "links_opened": sum(row["opens"] for row in link_rows["topic"]),
        "links_enquiries": sum(row["enquiries"] for row in link_rows["topic"]),
        "contacted": contacted,
        "median": median,
        "p90": p90,
        "within_promise": sum(n for days, n in contact_days.items() if days <= settings.ENQUIRY_REPLY_DAYS),
        "overdue": overdue().count(),
        "need_counts": need_counts,
        "with_needs": with_needs,
        "interpreter_languages": languages,
        "reply_days": settings.ENQUIRY_REPLY_DAYS,
    }


def communication_needs(enquiries):
    """How many of the period's enquiries asked for each need, in one pass,
    and the interpreters' languages in a second: what the clinic must be
    ready to provide: (enquiries with any need, a row a need, languages)."""
    asked = enquiries.exclude(communication_needs="")
    totals = asked.aggregate(
        any=Count("pk"), **{need.code: Count("pk", filter=Q(**needs.contains(need.code))) for need in needs.NEEDS}
    )
    rows = [{"label": need.label, "n": totals[need.code]} for need in needs.NEEDS]
    languages = (
        asked.filter(**needs.contains(needs.INTERPRETER))
        .exclude(interpreter_language="")
        .values_list("interpreter_language")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counted = collections.Counter()
    for language, n in languages:
        counted[needs.language_name(language)] += n
    return totals["any"], rows, sorted(counted.items(), key=lambda item: (-item[1], item[0]))


@staff_required
@require_safe
def dashboard(request):
    period = request.GET.get("days", "30")
    period = period if period in PERIODS else "30"
    context = {"periods": PERIODS, "period": period, **figures(int(period))}
    context["link_tables"] = [
        (context["links_by_topic"], gettext("Topic"), gettext("Links by topic")),
        (context["links_by_staff"], gettext("Made by"), gettext("Links by member of staff")),
    ]
    return render(request, "staff/dashboard.html", context)
