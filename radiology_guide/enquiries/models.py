"""Enquiries from patients, and the enquiry links clinic staff send them.

An enquiry holds only what the clinic needs to reply, and only for as long as
ENQUIRY_RETENTION_DAYS says (``purge_enquiries``).
"""

import secrets
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from radiology_guide.enquiries import needs
from radiology_guide.enquiries.masking import masked_email, masked_phone

# Crockford's base 32: no I, L, O or U, so a reference read out over the phone is unambiguous.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference():
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"RG-{code[:4]}-{code[4:]}"


LINK_CODE_LENGTH = 12  # 60 bits, read out as three groups of four: 7K3M-9QXP-4DRA
# What people mishear or mistype, read as Crockford's spec says.
CODE_CONFUSIONS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_link_token():
    """A link code that can be read over the phone (Crockford base 32).

    Links made before codes existed keep their 16-character token; the two
    never collide, as old tokens are longer and mixed case.
    """
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(LINK_CODE_LENGTH))


def normalise_link_code(typed):
    """The stored code for what someone typed, or "" if it cannot be one:
    any case, with or without hyphens and spaces, O for 0 and I or L for 1."""
    code = "".join(ch for ch in typed.upper() if ch not in "- ").translate(CODE_CONFUSIONS)
    if len(code) == LINK_CODE_LENGTH and all(ch in REFERENCE_ALPHABET for ch in code):
        return code
    return ""


def grouped_code(code):
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def one_line(text):
    """Titles go into email subjects: no newlines or other control characters."""
    return " ".join("".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text).split())


# The one permission for the staff area, declared on Enquiry's Meta below;
# radiology_guide.staff.access decides with it.
STAFF_AREA_PERMISSION = "enquiries.use_staff_area"


def inbox_workers():
    """The people an enquiry can be assigned to: active users who can work
    the inbox (by the permission, from a group or their own; superusers)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.with_perm(
        STAFF_AREA_PERMISSION, is_active=True, backend="django.contrib.auth.backends.ModelBackend"
    )


class EnquiryQuerySet(models.QuerySet):
    def pending_notification(self):
        return self.filter(notified_at__isnull=True).exclude(status=Enquiry.Status.HELD)

    def older_than(self, days):
        return self.filter(received_at__lt=timezone.now() - timedelta(days=days))

    def from_contact(self, email="", phone=""):
        query = Q(pk__in=[])
        if email:
            query |= Q(email__iexact=email.strip())
        if phone:
            query |= Q(phone_digits=digits_of(phone))
        return self.filter(query)


def digits_of(phone):
    digits = "".join(ch for ch in phone if ch.isdigit())
    # +44 7700 900123 and 07700 900123 are the same number.
    if phone.strip().startswith("+44") and digits.startswith("44"):
        digits = "0" + digits[2:]
    return digits


class Enquiry(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        CLOSED = "closed", _("Closed")
        HELD = "held", _("Held (over the rate limit)")

    class ContactMethod(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("Question answered")
        BOOKED = "booked", _("Appointment booked")
        REFERRED = "referred", _("Referred elsewhere")
        NO_REPLY = "no-reply", _("No reply after trying")
        OTHER = "other", _("Other")

    reference = models.CharField(max_length=12, unique=True, default=new_reference, editable=False)
    received_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    phone_digits = models.CharField(max_length=30, blank=True, editable=False, db_index=True)
    preferred_contact = models.CharField(max_length=10, choices=ContactMethod.choices)
    topic = models.CharField(max_length=80, help_text=_("The guide page the enquiry is about, or 'other'."))
    topic_title = models.CharField(max_length=200)
    message = models.TextField(blank=True, max_length=1000)
    # The language the patient wrote in (issue 23): the acknowledgement is in it.
    language = models.CharField(
        max_length=10, default=settings.LANGUAGE_CODE, choices=settings.LANGUAGES, editable=False
    )
    consent_at = models.DateTimeField(editable=False)
    link = models.ForeignKey(
        "EnquiryLink", null=True, blank=True, on_delete=models.SET_NULL, related_name="enquiries", editable=False
    )
    # What the patient needs to communicate with us (enquiries/needs.py):
    # patient data like the rest of the row, deleted with it.
    communication_needs = models.CharField(max_length=needs.MAX_STORED, blank=True, editable=False)
    interpreter_language = models.CharField(max_length=60, blank=True, editable=False)
    other_need = models.CharField(max_length=200, blank=True, editable=False)
    # The form's one-off token: a second submit of the same form finds this enquiry.
    submission_token = models.CharField(max_length=64, unique=True, editable=False)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True, help_text=_("Internal notes. Never shown to the patient."))
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    first_contacted_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    # Seconds from arrival to first contact, stored so the dashboard's
    # percentiles are a plain ORDER BY (computing it per row took seconds).
    first_contact_seconds = models.PositiveIntegerField(null=True, blank=True, editable=False)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True, editable=False)

    notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    notify_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name_plural = _("enquiries")
        # The one permission for the staff area (radiology_guide.staff.access).
        permissions = [("use_staff_area", "Can use the staff area: send links and answer enquiries")]
        indexes = [
            # Covers the dashboard's counts for a period, so they never read the
            # wide rows (measured with 100,000 enquiries: see bench/dashboard.py).
            models.Index(
                fields=["received_at", "status", "topic_title", "first_contact_seconds"], name="enquiry_dashboard"
            ),
        ]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        self.phone_digits = digits_of(self.phone)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("enquiries:sent", args=[self.reference])

    def staff_url(self):
        """The enquiry in the staff inbox (sign-in and two-factor needed)."""
        return settings.SITE_URL + reverse("staff:enquiry", args=[self.reference])

    @property
    def need_flags(self):
        """ "Needs an interpreter: Polish", one line a need (enquiries/needs.py)."""
        return needs.flags(self)

    def set_status(self, status, user):
        self.status = status
        self.status_changed_by = user
        self.status_changed_at = timezone.now()

    def record(self, kind, user, detail=""):
        """Do one staff action and write it on the timeline, in one place."""
        now = timezone.now()
        if kind == EnquiryEvent.Kind.ASSIGNED:
            self.assignee = user
        elif kind == EnquiryEvent.Kind.CONTACTED and detail != EnquiryEvent.NO_ANSWER:
            # A call with no answer is on the timeline but keeps the clock running.
            self.set_status(self.Status.CONTACTED, user)
            if self.first_contacted_at is None:
                self.first_contacted_at = now
                self.first_contact_seconds = max(0, int((now - self.received_at).total_seconds()))
        elif kind == EnquiryEvent.Kind.CLOSED:
            self.set_status(self.Status.CLOSED, user)
            self.outcome = detail
        self.save()
        return self.events.create(kind=kind, by=user, at=now, detail=detail)

    def change_needs(self, user, codes, language="", other=""):
        """A staff member adds or changes a need (heard on the phone, say):
        saved and written on the timeline, or None if nothing changed."""
        before = self.need_flags
        self.communication_needs = needs.encode(codes)
        self.interpreter_language = language if needs.INTERPRETER in codes else ""
        self.other_need = other if needs.OTHER in codes else ""
        detail = needs.describe_change(before, self.need_flags)
        if not detail:
            return None
        return self.record(EnquiryEvent.Kind.NEEDS, user, detail=detail)


class EnquiryEvent(models.Model):
    """One line of an enquiry's timeline: who did what, and when."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        CONTACTED = "contacted", _("Contacted")
        NOTE = "note", _("Note")
        CLOSED = "closed", _("Closed")
        NEEDS = "needs", _("Communication needs changed")

    NO_ANSWER = "no-answer"
    CONTACT_CHOICES = [("phone", _("By phone")), ("email", _("By email")), (NO_ANSWER, _("Phoned, no answer"))]

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    detail = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

    def describe(self):
        if self.kind == self.Kind.CONTACTED:
            return dict(self.CONTACT_CHOICES).get(self.detail, self.detail)
        if self.kind == self.Kind.CLOSED:
            return Enquiry.Outcome(self.detail).label if self.detail in Enquiry.Outcome.values else self.detail
        return self.detail


class EnquiryLinkQuerySet(models.QuerySet):
    def with_counts(self):
        return self.annotate(enquiry_count=models.Count("enquiries"))

    def for_code(self, typed):
        """The link for a typed code: exact for old tokens, forgiving for new codes."""
        codes = {typed, normalise_link_code(typed)} - {""}
        return self.filter(token__in=codes).first()

    def older_than(self, days):
        return self.filter(created_at__lt=timezone.now() - timedelta(days=days))

    def forget_appointments(self):
        """Retention (``purge_enquiries``): the appointment goes, the link stays."""
        return self.exclude(appointment_at=None, arrival_time=None, unit_instructions="").update(
            appointment_at=None, arrival_time=None, unit_instructions="", appointment_changed_at=None
        )


class EnquiryLink(models.Model):
    """A link staff send a patient: opens the guide on a topic with the form ready.

    It holds no patient data: the label is for staff ("Fibroid clinic leaflet").
    A communication need the receptionist heard on the phone ("an
    interpreter: Polish") says nothing about who; the form opens with it ticked.
    The messages that took it to a patient (LinkMessage) hold the number or
    address they went to, under the enquiries' retention.
    """

    token = models.CharField(max_length=32, unique=True, default=new_link_token, editable=False)
    topic = models.CharField(max_length=80)
    topic_title = models.CharField(max_length=200)
    label = models.CharField(max_length=100, blank=True, help_text=_("For staff only. No patient details."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    opens = models.PositiveIntegerField(default=0, editable=False)
    # The patient's appointment, if staff gave it: the link then offers a
    # preparation plan (enquiries/plan.py). A time, not who it is for; cleared
    # by purge_enquiries with the messages.
    appointment_at = models.DateTimeField(null=True, blank=True)
    arrival_time = models.TimeField(
        null=True, blank=True, help_text=_("When to arrive, if not at the appointment time.")
    )
    unit_instructions = models.TextField(
        blank=True, max_length=1000, help_text=_("The unit's own instructions: shown first on the patient's plan.")
    )
    appointment_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    communication_needs = models.CharField(max_length=needs.MAX_STORED, blank=True)
    interpreter_language = models.CharField(max_length=60, blank=True)

    objects = EnquiryLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.label or _("%(topic)s link") % {"topic": self.topic_title}

    def save(self, *args, **kwargs):
        self.topic_title = one_line(self.topic_title)
        self.label = one_line(self.label)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("enquiries:link", args=[self.code])

    def full_url(self):
        return settings.SITE_URL + self.get_absolute_url()

    def plan_url(self):
        """The patient's preparation plan (enquiries/plan.py), written out in full."""
        return settings.SITE_URL + reverse("enquiries:plan", args=[self.code])

    @property
    def code(self):
        """The code as people read it: 7K3M-9QXP-4DRA (old tokens as they were)."""
        return grouped_code(self.token) if normalise_link_code(self.token) == self.token else self.token

    @property
    def is_live(self):
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    def reminders_waiting(self):
        return self.messages.filter(status=LinkMessage.Status.QUEUED, send_after__isnull=False)

    def record_open(self, request):
        """Count a person opening the link, once in a while (enquiries/opens.py
        says when): an atomic increment, with no cookie and nothing stored
        about who opened it."""
        from radiology_guide.enquiries.opens import counts_as_open

        if counts_as_open(self.pk, request):
            EnquiryLink.objects.filter(pk=self.pk).update(opens=models.F("opens") + 1)


class LinkMessageQuerySet(models.QuerySet):
    def older_than(self, days):
        return self.filter(created_at__lt=timezone.now() - timedelta(days=days))

    def to_contact(self, email="", phone=""):
        query = Q(pk__in=[])
        if email:
            query |= Q(channel=LinkMessage.Channel.EMAIL, to__iexact=email.strip())
        if phone:
            query |= Q(channel=LinkMessage.Channel.SMS, to=digits_of(phone))
        return self.filter(query)


class LinkMessage(models.Model):
    """A text message or email that took a link to a patient: one line of the
    link's timeline. ``to`` is patient data: shown masked, never logged,
    deleted with enquiries (``purge_enquiries``, ``erase_enquiries``).
    Emails through the mail server keep no address (``to`` is empty)."""

    class Channel(models.TextChoices):
        SMS = "sms", _("Text message")
        EMAIL = "email", _("Email")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to go")
        SENDING = "sending", _("Still sending")
        DELIVERED = "delivered", _("Delivered")
        NOT_DELIVERED = "not-delivered", _("Not delivered")
        # Handed to the mail server, or written to var/sms without Notify: no receipt will come.
        HANDED_OVER = "handed-over", pgettext_lazy("message status", "Sent")
        # A reminder that will not go: staff cancelled it, or the appointment changed.
        CANCELLED = "cancelled", _("Cancelled")

    link = models.ForeignKey(EnquiryLink, on_delete=models.CASCADE, related_name="messages")
    channel = models.CharField(max_length=5, choices=Channel.choices)
    to = models.CharField(max_length=254, blank=True, editable=False)
    subject = models.CharField(max_length=200, blank=True, editable=False)
    body = models.TextField(editable=False, help_text=_("As the patient reads it."))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    notify_id = models.CharField(max_length=36, blank=True, db_index=True, editable=False)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.QUEUED, editable=False)
    # Notify's own status word (permanent-failure, ...) and what it means, in our words.
    notify_status = models.CharField(max_length=30, blank=True, editable=False)
    reason = models.CharField(max_length=300, blank=True, editable=False)
    status_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A reminder the patient asked for from their plan: sent at ``send_after``,
    # and only if the link's appointment is still the one it was asked for.
    send_after = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)
    for_appointment = models.DateTimeField(null=True, blank=True, editable=False)

    objects = LinkMessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_channel_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def masked_to(self):
        if not self.to:
            return _("address not kept") if self.channel == self.Channel.EMAIL else _("number erased")
        return masked_phone(self.to) if self.channel == self.Channel.SMS else masked_email(self.to)

    @property
    def is_final(self):
        return self.status in {
            self.Status.DELIVERED, self.Status.NOT_DELIVERED, self.Status.HANDED_OVER, self.Status.CANCELLED,
        }  # fmt: skip

    @property
    def is_reminder(self):
        return self.send_after is not None


def erase_contact(email="", phone=""):
    """A person's right to erasure, in one place: their enquiries and the
    messages that took links to them. (enquiries, messages) deleted."""
    enquiries = Enquiry.objects.from_contact(email, phone).delete()[1].get("enquiries.Enquiry", 0)
    sent = LinkMessage.objects.to_contact(email, phone).delete()[0]
    return enquiries, sent
