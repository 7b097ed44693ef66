"""The dashboard shows how it is going: enquiries by week and topic, links
and what came of them, and time to first contact against the promise."""

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone

from radiology_guide.core.models import ClinicDetails
from radiology_guide.enquiries.models import Enquiry, EnquiryLink
from radiology_guide.staff.dashboard import figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, clinic_staff):
    client.force_login(clinic_staff)
    return client


def monday_two_weeks_ago():
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday() + 14)
    return timezone.make_aware(datetime.datetime.combine(monday, datetime.time(10, 0)))


@pytest.fixture
def contacted_after(make_enquiry):
    """An enquiry from 10:00 on Monday a fortnight ago, first contacted days and hours later."""

    def make(hours=0, days=0, **fields):
        enquiry = make_enquiry(received_at=monday_two_weeks_ago(), **fields)
        enquiry.first_contacted_at = enquiry.received_at + datetime.timedelta(days=days, hours=hours)
        enquiry.first_contact_seconds = int((enquiry.first_contacted_at - enquiry.received_at).total_seconds())
        enquiry.status = Enquiry.Status.CONTACTED
        enquiry.save()
        return enquiry

    return make


def table(html, caption):
    body = re.search(rf"<caption>{caption}</caption>.*?<tbody>(.*?)</tbody>", html, re.S).group(1)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_figures_for_the_period_with_numbers_beside_every_chart(
    contacted_after, make_enquiry, staff_client, clinic_staff, django_user_model
):
    kim = django_user_model.objects.create_user("kim", password="a-long-test-password")
    ct = EnquiryLink.objects.create(topic="ct-scan", topic_title="CT scan", created_by=clinic_staff, opens=5)
    EnquiryLink.objects.create(topic="ct-scan", topic_title="CT scan", created_by=kim, opens=1)
    EnquiryLink.objects.create(topic="mri-scan", topic_title="MRI scan", created_by=clinic_staff, opens=0)
    ClinicDetails.objects.filter(pk=1).update(bank_holidays="")  # whenever the test runs
    # Monday's enquiries, contacted that day, on Tuesday (two), Wednesday, and Monday week.
    for days in (0, 1, 1, 2, 7):
        contacted_after(hours=1, days=days, link=ct)
    make_enquiry(days_ago=0, topic="mri-scan", topic_title="MRI scan")
    make_enquiry(days_ago=12)  # overdue, and not yet contacted
    make_enquiry(days_ago=200)  # outside the last 30 days
    make_enquiry(days_ago=1, status=Enquiry.Status.HELD)  # over the rate limit: not an enquiry to answer

    html = staff_client.get("/staff/dashboard/").content.decode()
    assert '<span class="figure" id="figure-enquiries">7</span>' in html
    assert '<span class="figure" id="figure-overdue">2</span>' in html  # the 200-day-old one is overdue too
    # In working days, as the inbox counts them: 0, 1, 1, 2 and 5.
    assert '<dd id="median">1 working day</dd>' in html and '<dd id="p90">5 working days</dd>' in html
    assert '<span id="within-promise">4</span> within the promise' in html
    assert re.search(r'<svg class="bars" role="img" aria-labelledby="topics-title"', html)
    topics = re.search(r'<figure class="chart">\s*<figcaption id="topics-title">.*?</figure>', html, re.S).group(0)
    assert re.findall(r"<th scope=\"row\">([^<]+)</th><td>(\d+)</td>", topics) == [("CT scan", "6"), ("MRI scan", "1")]
    weeks = table(html, "Enquiries per week by topic")
    assert re.findall(
        r"<th scope=\"col\">([^<]+)</th>", html.split("Enquiries per week by topic")[1].split("</thead>")[0]
    ) == ["Week", "CT scan", "MRI scan", "Other topics"]
    assert sum(int(row[1]) for row in weeks) == 6 and sum(int(row[2]) for row in weeks) == 1
    assert all(row[-1] == "0" for row in weeks)
    assert table(html, "Links by topic") == [["CT scan", "2", "6", "5"], ["MRI scan", "1", "0", "0"]]
    assert table(html, "Links by member of staff") == [["sam", "2", "5", "5"], ["kim", "1", "1", "0"]]

    year = staff_client.get("/staff/dashboard/", {"days": "365"}).content.decode()
    assert '<span class="figure" id="figure-enquiries">8</span>' in year


def test_an_empty_dashboard_says_so(staff_client):
    html = staff_client.get("/staff/dashboard/", {"days": "nonsense"}).content.decode()
    assert '<span class="figure" id="figure-enquiries">0</span>' in html and "No contacts yet" in html
    assert '<option value="30" selected>' in html


def test_the_figures_take_a_fixed_number_of_queries(contacted_after, staff_client, django_assert_max_num_queries):
    for n in range(30):
        contacted_after(hours=n, topic_title=f"Topic {n % 7}")
    # Session and user (2), permission check (2), then a fixed set of aggregates whatever the number of rows.
    with django_assert_max_num_queries(20):
        staff_client.get("/staff/dashboard/")


def test_each_enquiry_counts_in_the_week_it_arrived_by_the_clinics_clock(make_enquiry):
    # Weeks start on Monday at midnight in London. In summer that is 23:00 UTC
    # on the Sunday, so a count by UTC date would put this enquiry a week early.
    london = zoneinfo.ZoneInfo("Europe/London")
    monday = datetime.datetime(2026, 6, 15, 0, 0, 30, tzinfo=london)
    make_enquiry(received_at=monday - datetime.timedelta(minutes=1), topic_title="MRI scan")  # Sunday night
    make_enquiry(received_at=monday)
    make_enquiry(received_at=monday + datetime.timedelta(days=6, hours=23, minutes=58))  # the next Sunday
    make_enquiry(received_at=monday + datetime.timedelta(days=7))  # the Monday after

    numbers = figures(21, now=monday + datetime.timedelta(days=8))

    weeks = {row["label"]: dict(row["counts"], other=row["other"]) for row in numbers["weekly_by_topic"]}
    assert weeks["w/c 8 Jun"] == {"CT scan": 0, "MRI scan": 1, "other": 0}
    assert weeks["w/c 15 Jun"] == {"CT scan": 2, "MRI scan": 0, "other": 0}
    assert weeks["w/c 22 Jun"] == {"CT scan": 1, "MRI scan": 0, "other": 0}
    assert numbers["total"] == 4
    assert [(bar["label"], bar["value"]) for bar in numbers["by_topic"]] == [("CT scan", 3), ("MRI scan", 1)]


def test_time_to_first_contact_is_in_working_days_like_the_inbox(make_enquiry):
    london = zoneinfo.ZoneInfo("Europe/London")
    friday = datetime.datetime(2026, 11, 20, 16, 0, tzinfo=london)
    ClinicDetails.objects.filter(pk=1).update(working_days="Mon Tue Wed Thu Fri", bank_holidays="2026-11-24")
    for contacted in (
        friday + datetime.timedelta(hours=1),  # the same day: 0
        friday + datetime.timedelta(days=3),  # Monday, over the weekend: 1, not 3
        friday + datetime.timedelta(days=5),  # Wednesday, past Tuesday's holiday: 2
    ):
        enquiry = make_enquiry(received_at=friday, status=Enquiry.Status.CONTACTED)
        seconds = int((contacted - friday).total_seconds())
        Enquiry.objects.filter(pk=enquiry.pk).update(first_contacted_at=contacted, first_contact_seconds=seconds)
    numbers = figures(30, now=friday + datetime.timedelta(days=10))
    assert (numbers["median"], numbers["p90"], numbers["contacted"]) == (1, 2, 3)
    assert numbers["within_promise"] == 3  # the promise is 2 working days


def test_counts_of_one_are_singular(make_enquiry, staff_client, clinic_staff):
    link = EnquiryLink.objects.create(topic="ct-scan", topic_title="CT scan", created_by=clinic_staff, opens=1)
    make_enquiry(link=link)
    html = staff_client.get("/staff/dashboard/").content.decode()
    figures_shown = " ".join(
        re.sub(r"<[^>]+>", "", re.search(r'<ul class="figures">(.*?)</ul>', html, re.S).group(1)).split()
    )
    assert figures_shown == "1 enquiry 0 overdue now 1 link made, opened 1 time, 1 enquiry from them"
