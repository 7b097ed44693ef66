"""How it is going: enquiries, links and response times for a period.

Everything is counted by the database (GROUP BY, COUNT, SUM; the percentiles
from a count per hour); Python only lays the numbers out. Charts are SVG
drawn here, each with its numbers in a table for screen readers.
"""

import collections
import datetime
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from radiology_guide.enquiries.models import Enquiry, EnquiryLink
from radiology_guide.staff.access import staff_required
from radiology_guide.staff.inbox import overdue

PERIODS = {"7": "Last 7 days", "30": "Last 30 days", "90": "Last 90 days", "365": "Last 12 months"}
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


def percentiles(contacted, fractions):
    """Time to first contact at each percentile, to the hour.

    One GROUP BY over whole hours, then a walk up the running total: no
    sort of every row (measured: two ORDER BY ... OFFSET queries took
    0.6 s with 100,000 enquiries; this takes a fifth of that).
    """
    hours = (
        contacted.annotate(hour=F("first_contact_seconds") / 3600)
        .values("hour")
        .annotate(n=Count("pk"))
        .order_by("hour")
        .values_list("hour", "n")
    )
    hours = list(hours)
    count = sum(n for _hour, n in hours)
    if not count:
        return [None for _ in fractions]
    found = []
    for fraction in fractions:
        index, seen = min(count - 1, int(fraction * (count - 1) + 0.5)), 0
        for hour, n in hours:
            seen += n
            if seen > index:
                found.append(timedelta(hours=hour))
                break
    return found


def week_starts(since, now):
    """Monday 00:00 (local time) of every week from `since` to `now`."""
    day = timezone.localtime(since).date()
    monday = day - timedelta(days=day.weekday())
    starts = []
    while monday <= timezone.localdate(now):
        starts.append(timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min)))
        monday += timedelta(days=7)
    return starts


def figures(days, now=None):
    now = now or timezone.now()
    since = now - timedelta(days=days)
    answerable = Enquiry.objects.exclude(status=Enquiry.Status.HELD)
    enquiries = answerable.filter(received_at__gte=since)

    totals = enquiries.aggregate(
        total=Count("pk"), contacted=Count("pk", filter=Q(first_contact_seconds__isnull=False))
    )
    # Counts per week and topic, each week a range on the covering index: a
    # date function per row, or one query with a filter per week, took seconds on SQLite.
    weeks = week_starts(since, now)
    ends = [*weeks[1:], now + timedelta(days=1)]
    week_topics = [
        dict(
            answerable.filter(received_at__gte=max(start, since), received_at__lt=end)
            .values_list("topic_title")
            .annotate(n=Count("pk"))
            .values_list("topic_title", "n")
        )
        for start, end in zip(weeks, ends, strict=True)
    ]
    weekly = [
        {"label": f"w/c {start:%-d %b}", "n": sum(counts.values())}
        for start, counts in zip(weeks, week_topics, strict=True)
    ]
    by_topic = list(enquiries.values("topic_title").annotate(n=Count("pk")).order_by("-n", "topic_title"))
    top = [row["topic_title"] for row in by_topic[:WEEK_TOPICS]]
    weekly_by_topic = [
        {"label": row["label"], "counts": [(title, counts.get(title, 0)) for title in top],
         "other": row["n"] - sum(counts.get(title, 0) for title in top)}
        for row, counts in zip(weekly, week_topics, strict=True)
    ]  # fmt: skip

    links = EnquiryLink.objects.filter(created_at__gte=since)
    # link IN (this period's links): the database starts from the few links, not every enquiry.
    from_links = answerable.filter(link__in=links.values("pk"))
    sent_by = {"topic_title": collections.Counter(), "created_by__username": collections.Counter()}
    for topic, username, n in (
        from_links.values_list("link__topic_title", "link__created_by__username")
        .annotate(n=Count("pk"))
        .values_list("link__topic_title", "link__created_by__username", "n")
    ):
        sent_by["topic_title"][topic] += n
        sent_by["created_by__username"][username] += n
    link_rows = {}
    for key, name in (("topic", "topic_title"), ("staff", "created_by__username")):
        rows = list(links.values(name).annotate(created=Count("pk"), opens=Sum("opens")).order_by("-created", name))
        sent = sent_by[name]
        link_rows[key] = [
            {"label": row[name] or "(deleted user)", "created": row["created"], "opens": row["opens"] or 0,
             "enquiries": sent.get(row[name], 0)}
            for row in rows
        ]  # fmt: skip

    median, p90 = percentiles(enquiries.filter(first_contact_seconds__isnull=False), (0.5, 0.9))
    return {
        "total": totals["total"],
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
        "contacted": totals["contacted"],
        "median": median,
        "p90": p90,
        "overdue": overdue().count(),
        "reply_days": settings.ENQUIRY_REPLY_DAYS,
    }


@staff_required
@require_safe
def dashboard(request):
    period = request.GET.get("days", "30")
    period = period if period in PERIODS else "30"
    context = {"periods": PERIODS, "period": period, **figures(int(period))}
    context["link_tables"] = [
        (context["links_by_topic"], "Topic", "Links by topic"),
        (context["links_by_staff"], "Made by", "Links by member of staff"),
    ]
    return render(request, "staff/dashboard.html", context)
