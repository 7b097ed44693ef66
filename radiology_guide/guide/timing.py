"""When each preparation step happens, counted back from the appointment.

A scan or procedure page's ``preparation_timing`` is a list of steps,
``{"when": "-3d", "what": "Start the low-fibre diet."}``. ``when`` is one of:

- ``-3d``: on the 3rd calendar day before the appointment (no clock time);
- ``-1d 18:00``: the day before, at 18:00 by the clock on that day;
- ``0d 07:00``: the appointment's day, at 07:00;
- ``-6h``, ``-30m``: that long before the appointment, in real time, so
  "6 hours without food" stays 6 hours on the nights the clocks change;
- ``+2d``, ``+4h``: after the appointment, the same way.

Editors in admin write the same thing in words, one step a line:
"3 days before: Start the low-fibre diet", "1 day before at 18:00: ...",
"6 hours before: ...", "On the day at 07:00: ...". The rules are
guide/safety_rules.py's (``preparation_timing_problems``); the plan that lays
the steps on real days is enquiries/plan.py.
"""

import re
from dataclasses import dataclass

WHEN = re.compile(r"(?P<sign>[+-]?)(?P<count>\d{1,3})(?P<unit>[dhm])(?: (?P<clock>\d{2}:\d{2}))?")
CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
# How far a step may be from the appointment: a bowel preparation starts days
# before, nothing starts weeks before.
LIMITS = {"d": 14, "h": 72, "m": 600}
UNIT_WORDS = {"d": ("day", "days"), "h": ("hour", "hours"), "m": ("minute", "minutes")}
WHEN_HELP = (
    "write it like '-3d' (3 days before), '-1d 18:00' (the day before at 18:00), '0d 07:00' (on the day at 07:00), "
    "'-6h' or '-30m' (that long before), or '+2d' (after); in admin: '3 days before', '1 day before at 18:00', "
    "'On the day at 07:00', '6 hours before', '2 days after'"
)


class BadWhen(ValueError):
    pass


@dataclass(frozen=True)
class When:
    """A step's time: ``count`` units (d, h or m) before (negative) or after
    the appointment, and for days an optional clock time."""

    count: int
    unit: str
    clock: str = ""

    @property
    def is_timed(self):
        """Does the step have a clock time (and so a reminder)?"""
        return self.unit != "d" or bool(self.clock)

    def code(self):
        sign = "+" if self.count > 0 else "-" if self.count < 0 else ""
        return f"{sign}{abs(self.count)}{self.unit}" + (f" {self.clock}" if self.clock else "")

    def words(self):
        """'3 days before', '1 day before at 18:00', 'On the day at 07:00', '6 hours before'."""
        if self.count == 0:
            return "On the day" + (f" at {self.clock}" if self.clock else "")
        one, many = UNIT_WORDS[self.unit]
        text = f"{abs(self.count)} {one if abs(self.count) == 1 else many} {'after' if self.count > 0 else 'before'}"
        return text + (f" at {self.clock}" if self.clock else "")


def parse_when(text) -> When:
    """The When for a step's ``when``; BadWhen, saying what is wrong, otherwise."""
    match = WHEN.fullmatch(str(text).strip()) if isinstance(text, str) else None
    if not match:
        raise BadWhen(f"'{text}' is not a time before or after the appointment: {WHEN_HELP}")
    count, unit, clock = int(match["count"]), match["unit"], match["clock"] or ""
    if count and not match["sign"]:
        raise BadWhen(f"'{text}' needs a '-' (before) or a '+' (after) the appointment")
    if clock and unit != "d":
        raise BadWhen(f"'{text}': a clock time goes only with days, like '-1d 18:00'")
    if clock and not CLOCK.fullmatch(clock):
        raise BadWhen(f"'{text}': {clock} is not a time on a 24-hour clock, like 18:00")
    if count == 0 and (unit != "d" or not clock):
        raise BadWhen(f"'{text}': on the day itself, give a clock time, like '0d 07:00'")
    if count > LIMITS[unit]:
        raise BadWhen(f"'{text}' is too far from the appointment: at most {LIMITS[unit]}{unit}")
    return When(-count if match["sign"] == "-" else count, unit, clock)


WORDS = re.compile(
    r"(?:(?P<count>\d{1,3}) (?P<unit>days?|hours?|minutes?) (?P<side>before|after)|(?P<day>on the day))"
    r"(?: at (?P<clock>\d{1,2}:\d{2}))?",
    re.IGNORECASE,
)


def when_from_words(words):
    """'3 days before' -> '-3d'; what an editor typed, unchanged, if it is
    not in these words (the rules then say what to write)."""
    match = WORDS.fullmatch(" ".join(words.split()))
    if not match:
        return words.strip()
    clock = match["clock"] or ""
    clock = clock.zfill(5) if clock else ""
    if match["day"]:
        return f"0d {clock}".strip()
    sign = "-" if match["side"].lower() == "before" else "+"
    return f"{sign}{match['count']}{match['unit'][0].lower()}" + (f" {clock}" if clock else "")


def as_lines(steps):
    """The steps as an editor reads them, one a line ("3 days before: ...")."""
    lines = []
    for step in steps if isinstance(steps, list) else []:
        if not isinstance(step, dict):
            continue
        try:
            words = parse_when(step.get("when")).words()
        except BadWhen:
            words = str(step.get("when", ""))
        lines.append(f"{words}: {step.get('what', '')}")
    return "\n".join(lines)


def from_lines(text):
    """An editor's lines back into steps. Words that are not a time are kept
    as the step's ``when``, for the rules to refuse with a reason."""
    steps = []
    for line in str(text or "").splitlines():
        if not line.strip():
            continue
        # ": " ends the time: the colon of a clock time ("at 18:00") has no space after it.
        words, _, what = line.partition(": ") if ": " in line else line.partition(":")
        steps.append({"when": when_from_words(words), "what": " ".join(what.split())})
    return steps
