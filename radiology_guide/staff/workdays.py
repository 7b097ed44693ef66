"""Working days, as the enquiry form's promise counts them.

"We will reply within 2 working days" (ENQUIRY_REPLY_DAYS) counts the days
the clinic answers enquiries (ClinicDetails.working_days) that are not bank
holidays (ClinicDetails.bank_holidays). An enquiry's age is the number of
working days after the day it arrived, up to and including today: one sent on
Monday is 1 day old on Tuesday and overdue, with the default of 2, on Thursday.

Overdue is one date comparison in the database: received before the start of
the cut-off day (`overdue_cutoff`), so the inbox can filter and count it.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from radiology_guide.core.models import ClinicDetails

LOOK_BACK_DAYS = 366  # a clinic closed for longer than a year has other problems


def _is_working_day(day, weekdays, closed):
    return day.weekday() in weekdays and day not in closed


def working_days_between(start, end, clinic=None):
    """Working days d with start < d <= end (dates): whole weeks by
    arithmetic, then the days left over, less the bank holidays between."""
    clinic = clinic or ClinicDetails.load()
    weekdays, closed = clinic.working_weekdays(), clinic.closed_dates()
    days = (end - start).days
    if days <= 0:
        return 0
    weeks, rest = divmod(days, 7)
    count = weeks * len(weekdays)
    count += sum((start + datetime.timedelta(days=weeks * 7 + i)).weekday() in weekdays for i in range(1, rest + 1))
    return count - sum(1 for day in closed if start < day <= end and day.weekday() in weekdays)


def overdue_cutoff(today=None, clinic=None, reply_days=None):
    """The start of the day before which an unanswered enquiry is overdue:
    the (reply_days + 1)th working day counting back from today."""
    clinic = clinic or ClinicDetails.load()
    reply_days = settings.ENQUIRY_REPLY_DAYS if reply_days is None else reply_days
    weekdays, closed = clinic.working_weekdays(), clinic.closed_dates()
    day = today or timezone.localdate()
    seen = 0
    for _ in range(LOOK_BACK_DAYS):
        if _is_working_day(day, weekdays, closed):
            seen += 1
            if seen > reply_days:
                break
        day -= datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def age_in_working_days(received_at, today=None, clinic=None):
    return working_days_between(timezone.localdate(received_at), today or timezone.localdate(), clinic)
