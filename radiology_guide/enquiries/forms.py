"""The enquiry form: what a patient types, checked with clear messages."""

import re
import secrets
import unicodedata

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size, Submit
from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import slug_re
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from radiology_guide.enquiries import needs
from radiology_guide.enquiries.models import Enquiry, EnquiryLink
from radiology_guide.guide.models import Page

OTHER_TOPIC = ("other", _("Something else"))
# One answer for every spam check, so that a bot learns nothing about which
# one stopped it; a person who tripped one just sends the form again.
ASK_AGAIN = _("Check your details, then send the form again")
TOKEN_SALT = "enquiries.form-token"  # noqa: S105 - a signing salt, not a password
# Letters in any script, marks (accents), spaces, apostrophes, hyphens and full stops.
NAME_CHARACTERS = re.compile(r"^[\w\s'’.\-]+$")
PHONE_CHARACTERS = re.compile(r"^\+?[\d\s().\-]+$")


def topic_choices():
    """Every topic a link can open (the staff area's list): scans, procedures and guide sections."""
    pages = Page.objects.filter(kind__in=[Page.Kind.SECTION, Page.Kind.SCAN, Page.Kind.PROCEDURE]).order_by(
        "kind", "order"
    )
    groups = {"section": [], "scan": [], "procedure": []}
    for slug, title, kind in pages.values_list("slug", "title", "kind"):
        groups[kind].append((slug, title))
    return [
        ("", _("Choose a topic")),
        (_("Scans"), groups["scan"]),
        (_("Procedures"), groups["procedure"]),
        (_("About radiology"), groups["section"]),
        OTHER_TOPIC,
    ]


# About what fits in a phone's select box at 320 CSS px (measured in
# tests/browser/test_enquiry_one_send.py); the list opens with the same labels.
SHORT_TOPIC = 34
_TOPIC_HEAD = re.compile(r",\s| \(| for ")
_ABBREVIATION = re.compile(r"\(([A-Z]{2,5})\)$")


def short_topic(title):
    """A title short enough to be read in full once chosen: "Nephrostomy, a
    tube to drain a blocked kidney" is "Nephrostomy"."""
    if len(title) <= SHORT_TOPIC:
        return title
    head = _TOPIC_HEAD.split(title, maxsplit=1)[0]
    abbreviation = _ABBREVIATION.search(title)
    if len(head) > SHORT_TOPIC and abbreviation:
        head = f"{head.split()[0]} ({abbreviation.group(1)})"
    return head if len(head) <= SHORT_TOPIC else title


def patient_topic_choices(current=""):
    """What a patient chooses from: scans, procedures and "Something else".
    A guide section they came from (``current``) is offered too, so the form
    opened from that page still names it."""
    pages = Page.objects.filter(kind__in=[Page.Kind.SCAN, Page.Kind.PROCEDURE]).order_by("kind", "order")
    groups = {"scan": [], "procedure": []}
    for slug, title, kind in pages.values_list("slug", "title", "kind"):
        groups[kind].append((slug, short_topic(title)))
    here = []
    if slug_re.match(current) and current != OTHER_TOPIC[0]:
        # Only a slug reaches the database: PostgreSQL refuses a NUL byte.
        here = list(Page.objects.filter(kind=Page.Kind.SECTION, slug=current).values_list("slug", "title"))
    return [
        ("", _("Choose a topic")),
        (_("Scans"), groups["scan"]),
        (_("Procedures"), groups["procedure"]),
        *here,
        OTHER_TOPIC,
    ]


FRIENDLY_NAMES = {
    "name": _("Your name"),
    "email": _("Your email address"),
    "phone": _("Your phone number"),
    "message": _("Your message"),
}


def choice_label(choices, value):
    """The label shown for a value in (possibly grouped) choices."""
    for option, label in choices:
        if isinstance(label, list | tuple):
            found = choice_label(label, value)
            if found is not None:
                return found
        elif option == value:
            return label
    return None


def new_form_token():
    """A signed one-off token: proves when the form was shown, and makes a
    second submit of the same form find the first enquiry instead of a new one."""
    return signing.dumps({"n": secrets.token_urlsafe(16), "t": int(timezone.now().timestamp())}, salt=TOKEN_SALT)


def read_form_token(value):
    """Return (nonce, issued timestamp), or None for a token we did not sign."""
    try:
        data = signing.loads(value, salt=TOKEN_SALT, max_age=24 * 3600)
        return data["n"], data["t"]
    except (signing.BadSignature, KeyError, TypeError):
        return None


def clean_text(value, field_label):
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in value):
        raise forms.ValidationError(
            gettext("%(field)s must not contain hidden control characters") % {"field": field_label}
        )
    return value.strip()


class LanguageSelect(forms.Select):
    """Each language's <option> carries its lang (and dir), so that it is
    spoken and drawn as its own speakers expect."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        option["attrs"].update(needs.language_option_attrs(value))
        return option


LANGUAGE_CHOICES = [
    ("", _("Choose a language")),
    *((language.code, language.own_name) for language in needs.LANGUAGES),
    (needs.ANOTHER_LANGUAGE, _("Another language")),
]


class NeedsFields(forms.Form):
    """ "Do you need anything to help you communicate with us?": the
    patient's form and the staff's change on an enquiry's page ask the same.

    Forgiving, as the question is optional and shown whole without
    JavaScript: a language chosen or typed without ticking "An interpreter"
    ticks it, and words typed under "Something else" tick that."""

    needs = forms.MultipleChoiceField(
        label=_("Do you need anything to help you communicate with us? (optional)"),
        help_text=_("Tick all that apply. We will use it when we reply and for any appointment."),
        choices=needs.CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Tick only the choices shown")},
    )
    interpreter_language = forms.ChoiceField(
        label=_("If you need an interpreter, which language?"),
        choices=LANGUAGE_CHOICES,
        widget=LanguageSelect(attrs={"class": "govuk-select"}),
        required=False,
        error_messages={"invalid_choice": _("Choose a language from the list, or Another language")},
    )
    another_language = forms.CharField(
        label=_("If it is another language, which one?"),
        max_length=60,
        required=False,
        error_messages={"max_length": _("The language must be 60 characters or fewer")},
    )
    other_need = forms.CharField(
        label=_("If you need something else, tell us what"),
        max_length=200,
        required=False,
        error_messages={"max_length": _("What you need must be 200 characters or fewer")},
    )

    def clean_another_language(self):
        return " ".join(clean_text(self.cleaned_data["another_language"], gettext("The language")).split())

    def clean_other_need(self):
        return " ".join(clean_text(self.cleaned_data["other_need"], gettext("What you need")).split())

    def clean(self):
        cleaned = super().clean()
        codes = set(cleaned.get("needs") or [])
        choice, typed = cleaned.get("interpreter_language", ""), cleaned.get("another_language", "")
        language = typed if (choice == needs.ANOTHER_LANGUAGE or not choice) and typed else choice
        language = "" if language == needs.ANOTHER_LANGUAGE else language
        if choice == needs.ANOTHER_LANGUAGE and not typed and "another_language" not in self.errors:
            self.add_error("another_language", gettext("Enter the language you need an interpreter for"))
        if language:
            codes.add(needs.INTERPRETER)
        if cleaned.get("other_need"):
            codes.add(needs.OTHER)
        cleaned["needs"] = [code for code, _label in needs.CHOICES if code in codes]
        cleaned["language"] = language if needs.INTERPRETER in codes else ""
        return cleaned

    def apply_to(self, instance):
        """Put the answers on an enquiry (or a link) before it is saved."""
        instance.communication_needs = needs.encode(self.cleaned_data["needs"])
        instance.interpreter_language = self.cleaned_data["language"]
        if hasattr(instance, "other_need"):
            instance.other_need = self.cleaned_data["other_need"] if needs.OTHER in self.cleaned_data["needs"] else ""


def needs_initial(stored, language="", other=""):
    """The form's starting answers for needs already known (from a link, or
    on an enquiry's page)."""
    listed = language in needs.LANGUAGE_BY_CODE
    return {
        "needs": needs.decode(stored),
        "interpreter_language": language if listed else (needs.ANOTHER_LANGUAGE if language else ""),
        "another_language": "" if listed else language,
        "other_need": other,
    }


class EnquiryForm(NeedsFields, forms.ModelForm):
    # Asked on the first page, and optional, so that nobody who fills in
    # every field they were shown is sent back to answer a new question.
    preferred_contact = forms.ChoiceField(
        label=_("If you give both, how should we contact you? (optional)"),
        help_text=_("If you do not choose, we will email you."),
        choices=Enquiry.ContactMethod.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Select email or phone")},
    )
    topic = forms.ChoiceField(
        label=_("What is your enquiry about?"),
        choices=[],
        error_messages={
            "required": _("Select what your enquiry is about"),
            "invalid_choice": _("Select what your enquiry is about"),
        },
    )
    consent = forms.BooleanField(
        label=_("I agree that the clinic can store these details to reply to me"),
        error_messages={"required": _("Tick the box to agree that we can store your details to reply to you")},
    )
    # Call it 'website' so that bots fill it in; people never see it.
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    form_token = forms.CharField(widget=forms.HiddenInput)

    class Meta:
        model = Enquiry
        fields = ["name", "email", "phone", "preferred_contact", "topic", "message"]
        labels = {
            "name": _("Full name"),
            "email": _("Email address"),
            "phone": _("Phone number"),
            "message": _("Your message (optional)"),
        }
        help_texts = {
            "email": _("We will only use this to reply to you."),
            "phone": _("For example, 07700 900 982 or +44 20 7946 0000."),
            "message": _(
                "Tell us briefly what you would like to ask. Do not include your medical history. "
                "This form is not for urgent matters: if you need help now, call 111, or 999 in an emergency."
            ),
        }
        error_messages = {
            "name": {
                "required": _("Enter your full name"),
                "max_length": _("Your name must be 100 characters or fewer"),
            },
            "email": {
                "invalid": _("Enter an email address in the correct format, like name@example.com"),
                "max_length": _("Your email address must be 254 characters or fewer"),
            },
            "phone": {"max_length": _("Your phone number must be 30 characters or fewer")},
            "message": {"max_length": _("Your message must be 1,000 characters or fewer")},
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 5, "maxlength": 1000})}

    def __init__(self, *args, link: EnquiryLink | None = None, **kwargs):
        if link is not None and link.communication_needs and not args and "data" not in kwargs:
            # The need a receptionist heard on the phone: the form starts with it ticked.
            kwargs["initial"] = {
                **needs_initial(link.communication_needs, link.interpreter_language),
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        self.link = link
        current = self.data.get("topic", "") if self.is_bound else self.initial.get("topic", "")
        self.fields["topic"].choices = patient_topic_choices(link.topic if link else str(current))
        for name, label in FRIENDLY_NAMES.items():
            self.fields[name].error_messages["null_characters_not_allowed"] = gettext(
                "%(field)s must not contain hidden control characters"
            ) % {"field": label}
        self.fields["name"].widget.attrs.update(autocomplete="name", spellcheck="false")
        self.fields["email"].widget.attrs.update(autocomplete="email", spellcheck="false")
        self.fields["phone"].widget.attrs.update(autocomplete="tel")
        self.fields["phone"].widget.input_type = "tel"
        self.fields["consent"].help_text = format_html(
            gettext('Read our <a href="{}">privacy notice</a> to see how we use and protect your details.'),
            reverse("guide:privacy"),
        )
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template holds the <form> and its hidden fields
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.text("name", field_width=20),
            Fieldset(
                HTML(format_html('<p class="govuk-hint">{}</p>', gettext("Give us at least one way to reach you."))),
                Field.text("email", field_width=30),
                Field.text("phone", field_width=20),
                legend=gettext("How can we reach you?"),
                legend_size=Size.MEDIUM,
            ),
            Field.radios("preferred_contact", legend_size=Size.SMALL, inline=True),
            Field.select("topic"),
            Field.textarea("message", max_characters=1000),
            HTML('{% include "enquiries/includes/needs.html" %}'),
            Field.checkbox("consent"),
            Submit("send", gettext("Send enquiry")),
        )

    def clean_name(self):
        name = clean_text(self.cleaned_data["name"], FRIENDLY_NAMES["name"])
        if not name:
            raise forms.ValidationError(gettext("Enter your full name"))
        if not NAME_CHARACTERS.match(name) or name.replace("_", "") != name:
            raise forms.ValidationError(gettext("Your name must only include letters, spaces, hyphens and apostrophes"))
        return " ".join(name.split())

    def clean_email(self):
        return (
            clean_text(self.cleaned_data["email"], FRIENDLY_NAMES["email"]).lower()
            if self.cleaned_data["email"]
            else ""
        )

    def clean_phone(self):
        phone = clean_text(self.cleaned_data["phone"], FRIENDLY_NAMES["phone"])
        if not phone:
            return ""
        digits = [ch for ch in phone if ch.isdigit()]
        if not PHONE_CHARACTERS.match(phone) or not 7 <= len(digits) <= 15:
            raise forms.ValidationError(gettext("Enter a phone number, like 07700 900 982 or +44 20 7946 0000"))
        return " ".join(phone.split())

    def clean_message(self):
        return clean_text(self.cleaned_data["message"], FRIENDLY_NAMES["message"])

    def clean(self):
        cleaned = super().clean()  # the needs first (NeedsFields.clean)
        email, phone = cleaned.get("email"), cleaned.get("phone")
        method = cleaned.get("preferred_contact")
        if "email" not in self.errors and "phone" not in self.errors:
            if not email and not phone:
                self.add_error("email", gettext("Enter an email address or a phone number, so that we can reply"))
            elif method == Enquiry.ContactMethod.PHONE and not phone:
                self.add_error("phone", gettext("Enter a phone number, or choose email"))
            elif method == Enquiry.ContactMethod.EMAIL and not email:
                self.add_error("email", gettext("Enter an email address, or choose phone"))
            elif not method:
                # One way to reach them is the way we reply; with both, email (as the hint says).
                cleaned["preferred_contact"] = Enquiry.ContactMethod.EMAIL if email else Enquiry.ContactMethod.PHONE
        token = read_form_token(cleaned.get("form_token", ""))
        if token is None:
            # A tampered or day-old form: keep what they typed and issue a fresh token.
            self._start_again()
            raise forms.ValidationError(ASK_AGAIN)
        self.nonce, self.issued_at = token
        return cleaned

    def save(self, commit=True):
        enquiry = super().save(commit=False)
        self.apply_to(enquiry)
        enquiry.language = get_language()
        if commit:
            enquiry.save()
        return enquiry

    def failed_spam_check(self):
        """Which check a valid form failed ("honeypot", "too quick"), or "".
        For the log only: the patient is told the same whichever it was."""
        if self.data.get("website"):
            return "honeypot"
        if timezone.now().timestamp() - self.issued_at < settings.ENQUIRY_MIN_FILL_SECONDS:
            return "too quick"  # filled in faster than a person could
        return ""

    def ask_again(self):
        """After a failed spam check: the form shown again, as for a bad token."""
        self._start_again()
        self.add_error(None, ASK_AGAIN)

    def _start_again(self):
        # Everything typed is kept; a fresh token, and the hidden field
        # emptied (a browser's autofill may have filled it in).
        self.data = self.data.copy()
        self.data["form_token"] = new_form_token()
        self.data["website"] = ""

    def topic_title(self):
        """The page's full title (the list may show a shorter one)."""
        topic = self.cleaned_data["topic"]
        title = Page.objects.filter(slug=topic).values_list("title", flat=True).first()
        # Stored for staff: "Something else" in the site's own language, whatever the patient read.
        if topic == OTHER_TOPIC[0]:
            with translation.override(settings.LANGUAGE_CODE):
                return str(OTHER_TOPIC[1])
        return title or choice_label(self.fields["topic"].choices, topic) or topic
