"""Communication needs (the NHS Accessible Information Standard): the one
list of what a patient can ask for, and of the languages an interpreter can
be asked for in. The enquiry form, the staff send-a-link form, the inbox,
the enquiry's page, the email to staff and the dashboard all read it here.

An enquiry keeps its needs in one text field, each code between bars
("|interpreter|large-print|"), so that the dashboard counts one need with a
plain LIKE on SQLite and PostgreSQL alike (JSON containment is not there on
SQLite), and so that adding a need to this list needs no migration.
"""

from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Need:
    code: str
    ticked: str  # what the patient ticks, translated when read (``label``)
    flagged: str  # what staff read: "Needs large print" (``flag``)

    @property
    def label(self):
        return str(self.ticked)  # in the language of the page being made

    @property
    def flag(self):
        return str(self.flagged)


NEEDS = [
    Need("easy-read", _("Easy Read (short sentences and pictures)"), _("Needs Easy Read")),
    Need("large-print", _("Large print"), _("Needs large print")),
    Need("interpreter", _("An interpreter"), _("Needs an interpreter")),
    Need("bsl", _("A British Sign Language (BSL) interpreter"), _("Needs a BSL interpreter")),
    Need("braille", _("Braille"), _("Needs braille")),
    Need("hearing-loop", _("A hearing loop"), _("Needs a hearing loop")),
    Need("helper", _("Someone to help you, like a carer or a friend"), _("Needs someone to help them")),
    Need("other", _("Something else"), _("Needs something else")),
]
BY_CODE = {need.code: need for need in NEEDS}
CHOICES = [(need.code, need.ticked) for need in NEEDS]  # lazy: translated when the form is shown

INTERPRETER, OTHER = "interpreter", "other"


@dataclass(frozen=True)
class Language:
    code: str  # BCP 47, also the value the form sends
    own_name: str  # as its speakers write it
    english: str  # for staff booking the interpreter (translated for staff who read another language)
    direction: str = "ltr"


# The languages most spoken in England and Wales after English (2021 census),
# each named in itself; any other is typed in.
LANGUAGES = [
    Language("pl", "Polski", _("Polish")),
    Language("ro", "Română", _("Romanian")),
    Language("pa", "ਪੰਜਾਬੀ", _("Panjabi")),
    Language("ur", "اردو", _("Urdu"), "rtl"),
    Language("pt", "Português", _("Portuguese")),
    Language("es", "Español", _("Spanish")),
    Language("ar", "العربية", _("Arabic"), "rtl"),
    Language("bn", "বাংলা", _("Bengali")),
    Language("gu", "ગુજરાતી", _("Gujarati")),
    Language("it", "Italiano", _("Italian")),
]
LANGUAGE_BY_CODE = {language.code: language for language in LANGUAGES}
ANOTHER_LANGUAGE = "another"
MAX_STORED = 200  # the field's length: every code at once fits


def encode(codes):
    """The stored form of a set of need codes, in the list's order."""
    known = [need.code for need in NEEDS if need.code in set(codes)]
    return f"|{'|'.join(known)}|" if known else ""


def decode(stored):
    return [code for code in (stored or "").split("|") if code in BY_CODE]


def contains(code):
    """The lookup that finds enquiries with a need: ``filter(**contains("braille"))``."""
    return {"communication_needs__contains": f"|{code}|"}


def language_name(value):
    """A language for staff: "Polish" for a listed code, else what was typed."""
    language = LANGUAGE_BY_CODE.get(value)
    return str(language.english) if language else value


def flags(enquiry, detailed=True):
    """What staff read about an enquiry's needs, one line each:
    "Needs an interpreter: Polish". ``detailed=False`` leaves out what the
    patient typed as "something else" (for an email, which carries no
    words of the patient's)."""
    lines = []
    for code in decode(enquiry.communication_needs):
        text = BY_CODE[code].flag
        if code == INTERPRETER and enquiry.interpreter_language:
            # Translators: a need and its detail, like "Needs an interpreter: Polish".
            text = gettext("%(need)s: %(detail)s") % {
                "need": text,
                "detail": language_name(enquiry.interpreter_language),
            }
        elif code == OTHER and getattr(enquiry, "other_need", ""):  # a link keeps no words of its own
            if detailed:
                text = gettext("%(need)s: %(detail)s") % {"need": text, "detail": enquiry.other_need}
            else:
                text = gettext("%(need)s (see the inbox)") % {"need": text}
        lines.append(text)
    return lines


def language_option_attrs(value):
    """Attributes for a language's <option>, so that a screen reader speaks
    each name in its own language and Urdu and Arabic run right to left."""
    language = LANGUAGE_BY_CODE.get(value)
    if not language:
        return {}
    attrs = {"lang": language.code}
    if language.direction == "rtl":
        attrs["dir"] = "rtl"
    return attrs


def describe_change(before, after):
    """A timeline line for a staff member's change: "Added: Needs braille.
    Removed: Needs large print." (empty if nothing changed)."""
    added = [line for line in after if line not in before]
    removed = [line for line in before if line not in after]
    parts = []
    # Stored on the timeline in the language of the staff member who made the change.
    if added:
        parts.append(gettext("Added: %(needs)s.") % {"needs": "; ".join(added)})
    if removed:
        parts.append(gettext("Removed: %(needs)s.") % {"needs": "; ".join(removed)})

    return " ".join(parts)
