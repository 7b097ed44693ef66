"""How it is going: enquiries, links and response times for a period.

Everything is counted by the database (GROUP BY, COUNT, SUM, ORDER BY with an
offset for the percentiles); Python only lays the numbers out. Charts are SVG
drawn here, each with its numbers in a table for screen readers.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Sum
from django.db.models.functions import TruncWeek
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from radiology_guide.enquiries.models import Enquiry, EnquiryLink
from radiology_guide.staff.access import staff_required
from radiology_guide.staff.inbox import overdue

PERIODS = {"7": "Last 7 days", "30": "Last 30 days", "90": "Last 90 days", "365": "Last 12 months"}
TOP_TOPICS = 8


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


def percentile(queryset, duration, fraction):
    """The duration at a percentile, found by the database: order and offset."""
    count = queryset.count()
    if not count:
        return None
    index = min(count - 1, int(fraction * (count - 1) + 0.5))
    return queryset.annotate(took=duration).order_by("took").values_list("took", flat=True)[index]


def figures(days, now=None):
    now = now or timezone.now()
    since = now - timedelta(days=days)
    enquiries = Enquiry.objects.exclude(status=Enquiry.Status.HELD).filter(received_at__gte=since)

    weekly = list(
        enquiries.annotate(week=TruncWeek("received_at")).values("week").annotate(n=Count("pk")).order_by("week")
    )
    for row in weekly:
        row["label"] = (
            f"w/c {timezone.localtime(row['week']):%-d %b}" if timezone.is_aware(row["week"]) else row["week"]
        )
    by_topic = list(enquiries.values("topic_title").annotate(n=Count("pk")).order_by("-n", "topic_title"))

    links = EnquiryLink.objects.filter(created_at__gte=since)
    from_links = Enquiry.objects.exclude(status=Enquiry.Status.HELD).filter(link__created_at__gte=since)
    link_rows = {}
    for key, name in (("topic", "topic_title"), ("staff", "created_by__username")):
        rows = list(links.values(name).annotate(created=Count("pk"), opens=Sum("opens")).order_by("-created", name))
        sent = dict(from_links.values_list(f"link__{name}").annotate(n=Count("pk")).values_list(f"link__{name}", "n"))
        link_rows[key] = [
            {"label": row[name] or "(deleted user)", "created": row["created"], "opens": row["opens"] or 0,
             "enquiries": sent.get(row[name], 0)}
            for row in rows
        ]  # fmt: skip

    contacted = enquiries.filter(first_contacted_at__isnull=False)
    took = ExpressionWrapper(F("first_contacted_at") - F("received_at"), output_field=DurationField())
    return {
        "total": sum(row["n"] for row in weekly),
        "weekly": bars(weekly, "label", "n"),
        "by_topic": bars(by_topic[:TOP_TOPICS], "topic_title", "n"),
        "other_topics": sum(row["n"] for row in by_topic[TOP_TOPICS:]),
        "links_by_topic": link_rows["topic"],
        "links_by_staff": link_rows["staff"],
        "links_created": sum(row["created"] for row in link_rows["topic"]),
        "links_opened": sum(row["opens"] for row in link_rows["topic"]),
        "links_enquiries": sum(row["enquiries"] for row in link_rows["topic"]),
        "contacted": contacted.count(),
        "median": percentile(contacted, took, 0.5),
        "p90": percentile(contacted, took, 0.9),
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
