"""Review dates: how long an approval lasts, and adding years to a date (the
one rule for 29 February). Plain Python, so the content-file reader and the
readability tool can use it without Django's models."""

import datetime

REVIEW_CYCLE_YEARS = 3


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
