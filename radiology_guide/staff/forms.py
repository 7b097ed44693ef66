"""The staff area's forms: send a link in one screen, and handle an enquiry."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from radiology_guide.enquiries.forms import NeedsFields, topic_choices
from radiology_guide.enquiries.messaging import NotAMobile, uk_mobile
from radiology_guide.enquiries.models import Enquiry, EnquiryEvent, EnquiryLink
from radiology_guide.enquiries.plan import appointment_from
from radiology_guide.staff.topics import find_topics

EXPIRY_CHOICES = [
    ("7", _("In 7 days")),
    ("30", _("In 30 days")),
    ("90", _("In 90 days")),
    ("never", _("Never (for printed leaflets)")),
]
HOW_CHOICES = [("email", _("Email")), ("sms", _("Text message")), ("both", _("Both"))]
POPULAR_TOPICS_DAYS = 90
EMAIL_ERRORS = {
    "required": _("Enter the patient's email address"),
    "invalid": _("Enter an email address in the correct format, like name@example.com"),
}


def link_topics():
    """(slug, title) for every topic a link can open, the clinic's most used
    in the last 90 days first, then the rest in the guide's order."""
    topics = [choice for _group, choices in topic_choices() if isinstance(choices, list) for choice in choices]
    since = timezone.now() - timedelta(days=POPULAR_TOPICS_DAYS)
    used = dict(
        EnquiryLink.objects.filter(created_at__gte=since)
        .values_list("topic")
        .annotate(n=Count("pk"))
        .values_list("topic", "n")
    )
    order = {slug: index for index, (slug, _title) in enumerate(topics)}
    return sorted(topics, key=lambda topic: (-used.get(topic[0], 0), order[topic[0]]))


PHONE_REQUIRED = _("Enter the patient's mobile number")


class ContactForm(forms.Form):
    """How the link goes to the patient: email, text message or both. Nothing
    is sent unless every chosen way is valid."""

    how = forms.ChoiceField(label=_("Send it by"), choices=HOW_CHOICES, widget=forms.RadioSelect, required=False)
    email = forms.EmailField(
        label=_("Patient's email address"),
        required=False,
        help_text=_("We use it only to send the email. It is not stored."),
        error_messages=EMAIL_ERRORS,
    )
    phone = forms.CharField(
        label=_("Patient's mobile number"),
        max_length=30,
        required=False,
        help_text=_("A UK mobile, like 07700 900123 or +44 7700 900123. Kept with the link to show if it arrived."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["how"].initial = "email"
        self.fields["email"].widget.attrs.update(autocomplete="off", spellcheck="false")

    @property
    def sending(self):
        return True

    @property
    def channels(self):
        """The ways chosen: ["email"], ["sms"] or both (email when none was chosen)."""
        how = (self.cleaned_data.get("how") if hasattr(self, "cleaned_data") else None) or "email"
        return {"email": ["email"], "sms": ["sms"], "both": ["email", "sms"]}[how]

    def clean_phone(self):
        typed = self.cleaned_data["phone"]
        if not typed.strip():
            return ""
        try:
            return uk_mobile(typed)
        except NotAMobile as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        cleaned = super().clean()
        if self.sending and "how" not in self.errors:
            if "email" in self.channels and not cleaned.get("email") and "email" not in self.errors:
                self.add_error("email", EMAIL_ERRORS["required"])
            if "sms" in self.channels and not cleaned.get("phone") and "phone" not in self.errors:
                self.add_error("phone", PHONE_REQUIRED)
        return cleaned


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


class AppointmentForm(forms.Form):
    """The patient's appointment, optional: with it, their link offers a
    preparation plan (enquiries/plan.py). Times are UK time."""

    appointment_date = forms.DateField(
        label=_("Appointment date (optional)"),
        required=False,
        help_text=_("With a date and time, the patient's link shows each preparation step on its day and time."),
        widget=DateInput(format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the appointment date as a real date, like 09/12/2026")},
    )
    appointment_time = forms.TimeField(
        label=_("Appointment time"),
        required=False,
        widget=TimeInput(format="%H:%M"),
        error_messages={"invalid": _("Enter the appointment time on a 24-hour clock, like 14:30")},
    )
    arrival_time = forms.TimeField(
        label=_("Arrival time (optional)"),
        required=False,
        help_text=_(
            "If the patient should come before the appointment time, for example to change or drink something."
        ),
        widget=TimeInput(format="%H:%M"),
        error_messages={"invalid": _("Enter the arrival time on a 24-hour clock, like 14:15")},
    )
    unit_instructions = forms.CharField(
        label=_("The unit's own instructions (optional)"),
        required=False,
        max_length=1000,
        help_text=_("Shown first on the patient's plan, for what your unit does differently. No patient details."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        day, clock, arrival = (cleaned.get(name) for name in ("appointment_date", "appointment_time", "arrival_time"))
        if day and not clock and "appointment_time" not in self.errors:
            self.add_error("appointment_time", gettext("Enter the appointment time, or clear the date"))
        if clock and not day and "appointment_date" not in self.errors:
            self.add_error("appointment_date", gettext("Enter the appointment date, or clear the time"))
        if arrival and not (day and clock) and not self.errors.get("appointment_date"):
            self.add_error(
                "arrival_time", gettext("Give the appointment date and time as well, or clear the arrival time")
            )
        if day and clock:
            cleaned["appointment_at"] = appointment_from(day, clock)
            if cleaned["appointment_at"] <= timezone.now():
                self.add_error("appointment_date", gettext("The appointment must be in the future"))
            elif arrival and arrival > clock:
                self.add_error("arrival_time", gettext("The arrival time must be before the appointment time"))
        else:
            cleaned["appointment_at"] = None
        return cleaned

    @classmethod
    def initial_for(cls, link):
        if link.appointment_at is None:
            return {"unit_instructions": link.unit_instructions}
        local = timezone.localtime(link.appointment_at)
        return {"appointment_date": local.date(), "appointment_time": local.time(),
                "arrival_time": link.arrival_time, "unit_instructions": link.unit_instructions}  # fmt: skip


APPOINTMENT_FIELDS = ("appointment_date", "appointment_time", "arrival_time", "unit_instructions")


class SendLinkForm(NeedsFields, ContactForm, AppointmentForm):
    """One screen: topic, label, expiry and (to send it) the patient's email;
    and any communication need the patient mentioned, so that the form they
    open starts with it ticked (no words of the patient's: "something else"
    is a box without a text).

    The topic is a text box with a <datalist>: browsers filter the list as
    you type, with no JavaScript of ours. Without a datalist (or with a typo)
    the server finds the topic from part of its name, or offers the names
    close to a typo (staff/topics.py).
    """

    topic = forms.CharField(
        label=_("Topic"),
        max_length=200,
        help_text=_("Start typing, like 'CT' or 'fibroid'. The topics used most are first."),
        error_messages={"required": _("Enter a topic")},
    )
    label = forms.CharField(
        label=_("Label (optional)"),
        max_length=100,
        required=False,
        help_text=_("For staff only, like 'Fibroid clinic leaflet'. Do not put patient details here."),
    )
    expires = forms.ChoiceField(
        label=_("When should the link stop working?"),
        choices=EXPIRY_CHOICES,
        widget=forms.RadioSelect,
    )
    field_order = ["topic", "how", "email", "phone", *APPOINTMENT_FIELDS, "label", "expires"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics = link_topics()
        days = str(settings.ENQUIRY_LINK_DAYS)
        self.fields["expires"].initial = days if days in dict(EXPIRY_CHOICES) else "30"
        self.fields["topic"].widget.attrs.update(list="topic-list", autocomplete="off", spellcheck="false")
        self.fields["email"].help_text = gettext(
            "Needed to send it by email. We use it only to send the email. Not stored."
        )
        self.matches, self.close = [], []
        del self.fields["other_need"]
        self.fields["needs"].label = gettext(
            "Did the patient mention anything they need to communicate with us? (optional)"
        )
        self.fields["needs"].help_text = gettext("The form they open will start with it ticked.")
        self.fields["interpreter_language"].label = gettext("Which language for the interpreter?")

    @property
    def sending(self):
        return self.data.get("action") == "send"

    def clean_topic(self):
        typed = " ".join(self.cleaned_data["topic"].split())
        found, self.matches, self.close = find_topics(typed, self.topics)
        if found:
            return found
        if self.matches:
            count = len(self.matches)
            raise forms.ValidationError(
                ngettext(
                    "%(count)d topic matches '%(typed)s': choose it from the list",
                    "%(count)d topics match '%(typed)s': choose one from the list",
                    count,
                )
                % {"count": count, "typed": typed}
            )
        if self.close:
            raise forms.ValidationError(
                gettext("No topic is called '%(typed)s'. Did you mean one of these? Choose it below") % {"typed": typed}
            )
        raise forms.ValidationError(
            gettext("No topic matches '%(typed)s'. Try a shorter word, like 'scan'") % {"typed": typed}
        )

    def save(self, user, token=None):
        slug, title = self.cleaned_data["topic"]
        expires = self.cleaned_data["expires"]
        extra = {"token": token} if token and not EnquiryLink.objects.filter(token=token).exists() else {}
        link = EnquiryLink(
            **extra,
            topic=slug,
            topic_title=title,
            label=self.cleaned_data["label"],
            created_by=user,
            expires_at=None if expires == "never" else timezone.now() + timedelta(days=int(expires)),
            appointment_at=self.cleaned_data.get("appointment_at"),
            arrival_time=self.cleaned_data.get("arrival_time") if self.cleaned_data.get("appointment_at") else None,
            unit_instructions=self.cleaned_data.get("unit_instructions", ""),
        )
        self.apply_to(link)
        link.save()
        return link


class ContactedForm(forms.Form):
    how = forms.ChoiceField(
        label=_("How did you contact them?"),
        choices=EnquiryEvent.CONTACT_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you contacted them")},
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Enquiry.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an outcome")},
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Internal note"),
        max_length=2000,
        help_text=_("Never shown to the patient."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter a note")},
    )


class StaffNeedsForm(NeedsFields):
    """Add or change a communication need on an enquiry's page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].label = gettext("Communication needs")
        self.fields["needs"].help_text = gettext("Add what the patient told you, or untick what they no longer need.")
        self.fields["interpreter_language"].label = gettext("Language for the interpreter")
        self.fields["another_language"].label = gettext("If another language, which one?")
        self.fields["other_need"].label = gettext("If something else, what?")
