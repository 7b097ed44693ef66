"""The clinic's own details, kept in one place that admins edit."""

import datetime
from datetime import date

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from radiology_guide.core.cache import bump_content_version

CLINIC_CACHE_KEY = "clinic-details"
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# England and Wales bank holidays, from gov.uk, for a fresh install.
DEFAULT_BANK_HOLIDAYS = """2026-01-01
2026-04-03
2026-04-06
2026-05-04
2026-05-25
2026-08-31
2026-12-25
2026-12-28
2027-01-01
2027-03-26
2027-03-29
2027-05-03
2027-05-31
2027-08-30
2027-12-27
2027-12-28"""


def parse_weekdays(value):
    """'Mon Tue, wed' -> {0, 1, 2}."""
    return {
        WEEKDAYS.index(word[:3].lower()) for word in value.replace(",", " ").split() if word[:3].lower() in WEEKDAYS
    }


def validate_weekdays(value):
    words = value.replace(",", " ").split()
    unknown = [word for word in words if word[:3].lower() not in WEEKDAYS]
    if unknown or not words:
        # The English abbreviations: what parse_weekdays reads, whatever the admin's language.
        raise ValidationError(gettext("List days as Mon Tue Wed Thu Fri Sat Sun, separated by spaces"))


def parse_dates(value):
    return {date.fromisoformat(line.strip()) for line in value.splitlines() if line.strip()}


def validate_dates(value):
    for line in value.splitlines():
        if line.strip():
            try:
                date.fromisoformat(line.strip())
            except ValueError:
                raise ValidationError(
                    gettext("'%(line)s' is not a date like 2026-12-25") % {"line": line.strip()}
                ) from None


class ClinicDetails(models.Model):
    """A single row: the clinic's name and how to reach it.

    Shown in the header, footer, contact and error pages, so it is cached;
    saving it clears that cache and bumps the content version.
    """

    name = models.CharField(max_length=120, default="Rinebraska")
    phone = models.CharField(max_length=40, default="020 7946 0000")
    email = models.EmailField(default="enquiries@rinebraska.example")
    address = models.TextField(default="Rinebraska Imaging Centre\n1 Example Street\nLondon\nSW1A 1AA")
    opening_hours = models.TextField(default="Monday to Friday, 8am to 6pm\nSaturday, 9am to 1pm")
    # For the "Visiting the clinic" page (/visiting/): plain sentences, a blank
    # line between paragraphs. Left empty, the page asks people to call instead
    # of showing made-up directions.
    getting_here = models.TextField(
        _("getting here"), blank=True, help_text=_("Public transport, walking and cycling: how to reach the clinic.")
    )
    parking = models.TextField(blank=True, help_text=_("Where to park, what it costs, Blue Badge spaces."))
    step_free_access = models.TextField(
        _("step-free access"), blank=True, help_text=_("Step-free routes, lifts, accessible toilets, hearing loops.")
    )
    # What "2 working days" counts (ENQUIRY_REPLY_DAYS): the days staff answer
    # enquiries, less the bank holidays listed.
    working_days = models.CharField(
        max_length=40,
        default="Mon Tue Wed Thu Fri",
        validators=[validate_weekdays],
        help_text=_("The days staff answer enquiries, like 'Mon Tue Wed Thu Fri'."),
    )
    bank_holidays = models.TextField(
        blank=True,
        default=DEFAULT_BANK_HOLIDAYS,
        validators=[validate_dates],
        help_text=_("Days the clinic is closed, one a line, like 2026-12-25."),
    )

    class Meta:
        verbose_name = verbose_name_plural = _("clinic details")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        # Now, and again after the commit (see guide.publishing.retire_cached_pages).
        for forget in (lambda: cache.delete(CLINIC_CACHE_KEY), bump_content_version):
            forget()
            transaction.on_commit(forget)

    def working_weekdays(self):
        return parse_weekdays(self.working_days)

    def closed_dates(self):
        return parse_dates(self.bank_holidays)

    @classmethod
    def load(cls):
        """The clinic's details, from the cache when possible (no query)."""
        details = cache.get(CLINIC_CACHE_KEY)
        if details is None:
            try:
                # No write on a page view: until an admin saves the details,
                # the defaults are shown.
                details = cls.objects.filter(pk=1).first() or cls(pk=1)
            except DatabaseError:
                # The error page still needs a phone number to show.
                return cls(pk=1)
            cache.set(CLINIC_CACHE_KEY, details, None)
        return details


class RateCounter(models.Model):
    """How many times one (hashed) client did one thing in one fixed window.

    Used by core.ratelimit. A row per window: it cannot be evicted or
    have its lifetime reset, and expired rows are deleted as new ones come.
    """

    key = models.CharField(max_length=120, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.key

    @classmethod
    def hit(cls, name: str, window: int) -> int:
        """Add one to ``name``'s counter for the current window; its new count."""
        now = timezone.now()
        start = int(now.timestamp()) // window * window
        key = f"{name}:{window}:{start}"
        with transaction.atomic():
            if not cls.objects.filter(key=key).update(count=F("count") + 1):
                cls.objects.filter(expires_at__lt=now).delete()
                try:
                    with transaction.atomic():
                        expires = datetime.datetime.fromtimestamp(start + window, tz=datetime.UTC)
                        cls.objects.create(key=key, count=1, expires_at=expires)
                except IntegrityError:  # another request made it first
                    cls.objects.filter(key=key).update(count=F("count") + 1)
            return cls.objects.filter(key=key).values_list("count", flat=True).get()
