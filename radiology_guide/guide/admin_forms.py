"""The forms editors fill in, in admin, and their widgets.

A scan or procedure page's safety content is stored as JSON (the model's
fields) and written as YAML in ``content/``; editors never see either. They
get plain boxes: one sentence a line under each warning tier, a row per risk,
preparation's named boxes and the dose source's name and address. The rules
are guide/safety.py's, the same as the content loader's; this module only
says where on the form a problem is, in an editor's words.
"""

import json
from itertools import zip_longest

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from radiology_guide.guide import easy_read, safety, timing
from radiology_guide.guide.models import Page

TIER_LABELS = {
    "call_999": "Call 999",
    "call_111_or_unit": "Call us or 111",
    "next_visit": "Tell us at your next visit",
}
PREPARATION_LABELS = {
    "eating_and_drinking": "Eating and drinking",
    "medicines": "Medicines",
    "what_to_bring": "What to bring",
    "other": "Other (optional)",
}
RISK_PARTS = {"what": "What", "how_often": "How often", "source_name": "Source name", "source_url": "Source address"}
SAFETY_FIELDS = ("warning_signs", "preparation", "preparation_timing", "risks", "dose_source")


def one_line(text):
    # As the content loader stores structured text: trimmed, on one line.
    return " ".join(str(text).split())


class ContentForm(forms.ModelForm):
    """The model's fields, and what an editor says about this save."""

    change_note = forms.CharField(
        label="What changed",
        max_length=200,
        required=False,
        help_text="One line for the history, such as 'Added parking details'.",
    )
    publish_at = forms.SplitDateTimeField(
        label="Publish at",
        required=False,
        widget=AdminSplitDateTime,
        help_text="Optional: publish this draft automatically at this time (needs the publish permission).",
    )

    def clean(self):
        # Browsers send a textarea's lines ending in CR LF; the files (and so
        # every comparison with them) use LF.
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = value.replace("\r\n", "\n")
        return cleaned

    def clean_publish_at(self):
        when = self.cleaned_data.get("publish_at")
        if when is not None and when <= timezone.now():
            raise forms.ValidationError("Choose a time in the future, or press 'Save and publish'.")
        return when


# ---------------------------------------------------------------------------
# Widgets: plain inputs, no JavaScript needed


class PlainBoxes(forms.Widget):
    """A JSON value shown as named boxes (``<name>-<part>``). A form posted
    without them (older forms, scripts) may still send the JSON text itself."""

    use_fieldset = True  # admin gives the boxes a <fieldset> and <legend>
    empty = dict
    marker = ""  # the box whose presence says the plain boxes were posted

    def format_value(self, value):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = None
        return value if isinstance(value, type(self.empty())) else self.empty()

    def _render(self, template_name, context, renderer=None):
        # The project's templates folder, which the default form renderer does not search.
        return mark_safe(render_to_string(template_name, context))  # noqa: S308 - an autoescaped template

    def value_from_datadict(self, data, files, name):
        if f"{name}-{self.marker}" not in data:
            return data.get(name)
        return self.parse(data, name)

    def value_omitted_from_data(self, data, files, name):
        return f"{name}-{self.marker}" not in data and name not in data


class SourceRows(PlainBoxes):
    """Sources as rows of name and web address, with empty rows to add more
    (clear both boxes to remove one)."""

    template_name = "admin/guide/widgets/source_rows.html"
    use_fieldset = False  # a table with its own headings
    empty = list
    marker = "name"
    EMPTY_ROWS = 3

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        rows = [source for source in self.format_value(value) if isinstance(source, dict)]
        rows += [{"name": "", "url": ""}] * self.EMPTY_ROWS
        context["rows"] = [(number, row.get("name", ""), row.get("url", "")) for number, row in enumerate(rows, 1)]
        return context

    def parse(self, data, name):
        pairs = zip(data.getlist(f"{name}-name"), data.getlist(f"{name}-url"), strict=False)
        return [{"name": text.strip(), "url": url.strip()} for text, url in pairs if text.strip() or url.strip()]


class WarningSignBoxes(PlainBoxes):
    """One box per tier, one sentence a line."""

    template_name = "admin/guide/widgets/warning_signs.html"
    marker = "call_999"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        signs = self.format_value(value)
        context["tiers"] = [
            (tier, label, "\n".join(str(sign) for sign in signs.get(tier) or [])) for tier, label in TIER_LABELS.items()
        ]
        return context

    def parse(self, data, name):
        lines = {tier: data.get(f"{name}-{tier}", "").splitlines() for tier in safety.WARNING_TIERS}
        return {tier: [one_line(line) for line in lines[tier] if line.strip()] for tier in safety.WARNING_TIERS}


class PreparationBoxes(PlainBoxes):
    template_name = "admin/guide/widgets/preparation.html"
    marker = "eating_and_drinking"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        preparation = self.format_value(value)
        context["boxes"] = [(key, label, preparation.get(key, "")) for key, label in PREPARATION_LABELS.items()]
        return context

    def parse(self, data, name):
        preparation = {}
        for key in safety.PREPARATION_FIELDS:
            text = data.get(f"{name}-{key}", "").replace("\r\n", "\n").strip()
            if text or key in safety.PREPARATION_REQUIRED:
                # A blank line is kept for the rules to refuse; otherwise one line, as the loader stores it.
                preparation[key] = text if "\n\n" in text else one_line(text)
        return preparation


class DoseSourceBoxes(PlainBoxes):
    template_name = "admin/guide/widgets/dose_source.html"
    marker = "name"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        source = self.format_value(value)
        context["source"] = {"name": source.get("name", ""), "url": source.get("url", "")}
        return context

    def parse(self, data, name):
        text, url = one_line(data.get(f"{name}-name", "")), data.get(f"{name}-url", "").strip()
        return {"name": text, "url": url} if text or url else {}


class RiskRows(PlainBoxes):
    """A row per risk (what, how often, source name and address), with empty
    rows to add more; clear a row's four boxes to remove it."""

    template_name = "admin/guide/widgets/risk_rows.html"
    empty = list
    marker = "what"
    EMPTY_ROWS = 2

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        rows = []
        for risk in self.format_value(value):
            if isinstance(risk, dict):
                source = risk.get("source") if isinstance(risk.get("source"), dict) else {}
                rows.append(
                    [risk.get("what", ""), risk.get("how_often", ""), source.get("name", ""), source.get("url", "")]
                )
        rows += [["", "", "", ""]] * self.EMPTY_ROWS
        parts = list(RISK_PARTS.items())
        context["rows"] = [
            (number, [(part, label, value) for (part, label), value in zip(parts, row, strict=True)])
            for number, row in enumerate(rows, 1)
        ]
        context["how_often_help"] = safety.HOW_OFTEN_HELP
        return context

    def parse(self, data, name):
        columns = [data.getlist(f"{name}-{part}") for part in RISK_PARTS]
        risks = []
        for what, how_often, source_name, url in zip_longest(*columns, fillvalue=""):
            if what.strip() or how_often.strip() or source_name.strip() or url.strip():
                source = {"name": one_line(source_name), "url": url.strip()}
                risks.append({"what": one_line(what), "how_often": one_line(how_often), "source": source})
        return risks


class TimingLines(forms.Textarea):
    """Preparation timing as one step a line, in words: "3 days before: Start
    the low-fibre diet" (guide/timing.py turns the words into "-3d")."""

    def __init__(self, attrs=None):
        super().__init__({"rows": 6, "cols": 80, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return value
        return timing.as_lines(value)

    def value_from_datadict(self, data, files, name):
        if name not in data:
            return None
        return timing.from_lines(data[name].replace("\r\n", "\n"))


class PlainJSONField(forms.JSONField):
    """A JSON model field whose widget gives Python values, not JSON text."""

    def to_python(self, value):
        if isinstance(value, (list, dict)):
            return value
        return super().to_python(value)

    def bound_data(self, data, initial):
        return data if isinstance(data, (list, dict)) else super().bound_data(data, initial)


class SourcesField(PlainJSONField):
    widget = SourceRows

    def validate(self, value):
        super().validate(value)
        for source in value or []:
            if not source.get("name") or not source.get("url"):
                raise forms.ValidationError("Give each source both a name and a web address.")
        # https only from the form (issue 14); the model still refuses anything
        # that is not a web address, whatever saves it.
        problems = safety.sources_problems(value or [], schemes=("https",))
        if problems:
            raise forms.ValidationError(problems[0][1])


# ---------------------------------------------------------------------------
# Where a safety problem is, in an editor's words


def place(keys):
    """Where ``keys`` (as guide/safety.py gives them) is on the form:
    ("risks", 1, "how_often") is "Risk 2, how often"."""
    field, rest = keys[0], keys[1:]
    if field == "warning_signs":
        if not rest:
            return "Warning signs"
        label = TIER_LABELS.get(rest[0], str(rest[0]))
        return f"{label}, line {rest[1] + 1}" if len(rest) > 1 else label
    if field == "preparation":
        return f"Preparation, {PREPARATION_LABELS.get(rest[0], rest[0]).lower()}" if rest else "Preparation"
    if field == "preparation_timing":
        return f"Preparation timing, line {rest[0] + 1}" if rest else "Preparation timing"
    if field == "dose_source":
        return f"Dose source, {'address' if rest[0] == 'url' else rest[0]}" if rest else "Dose source"
    if field == "risks":
        if not rest:
            return "Risks"
        part = {"what": "what", "how_often": "how often", "source": "source"}.get(rest[1], "") if len(rest) > 1 else ""
        if rest[2:]:
            part = "source address" if rest[2] == "url" else "source name"
        return f"Risk {rest[0] + 1}, {part}" if part else f"Risk {rest[0] + 1}"
    return field


def instruction(keys, message):
    """What to do about it. The rule and its reason are safety.py's; only the
    words change, from the file's field names to the form's boxes."""
    last = keys[-1]
    if "must be plain sentences" in message:
        return "write plain sentences: no headings, lists or blank lines."
    if "must be some text" in message:
        return "write the sentence." if last in ("what",) or isinstance(last, int) else "write at least one sentence."
    if last == "how_often":
        return f"write {safety.HOW_OFTEN_HELP}."
    if last == "url" and message.startswith("the url "):
        return f"the address {message.removeprefix('the url ')}."
    if last == "call_999" and "the standard page has some" in message:
        return "give at least one sign: the standard page has some, so the Easy Read page needs them too."
    if last == "call_999":
        return "give at least one sign: every procedure, and every scan with an injection or sedation, needs one."
    if keys == ("risks",):
        return "give at least one risk, with how often it happens and its source."
    if keys == ("dose_source",):
        return "give the name and web address of the specific page behind the dose."
    return message


def located(keys, message):
    return f"{place(keys)}: {instruction(keys, message)}"


# ---------------------------------------------------------------------------
# The page form


class PageForm(ContentForm):
    related_pages = forms.ModelMultipleChoiceField(
        label="Related pages",
        queryset=Page.objects.exclude(kind=Page.Kind.PAGE).order_by("title"),
        required=False,
        # Ticks rather than the admin's two-box selector, whose script adds
        # labels that axe reports (aria-prohibited-attr); it also needs no script.
        widget=forms.CheckboxSelectMultiple(attrs={"class": "related-pages"}),
        help_text="Shown under 'Related pages': those already chosen keep their order, new ones go last.",
    )

    class Meta:
        widgets = {
            "body": forms.Textarea(attrs={"rows": 30, "cols": 80, "class": "body-editor"}),
            "warning_signs": WarningSignBoxes,
            "preparation": PreparationBoxes,
            "preparation_timing": TimingLines,
            "risks": RiskRows,
            "dose_source": DoseSourceBoxes,
        }
        field_classes = {
            "sources": SourcesField,
            "warning_signs": PlainJSONField,
            "preparation": PlainJSONField,
            "preparation_timing": PlainJSONField,
            "risks": PlainJSONField,
            "dose_source": PlainJSONField,
        }
        help_texts = {
            "warning_signs": "One sentence a line. Patients see them under 'When to get help'.",
            "preparation": "Plain sentences in each box; no lists or headings.",
            "preparation_timing": "Optional. One step a line, for a patient's preparation plan: '3 days before: "
            "Start the low-fibre diet', '1 day before at 18:00: ...', 'On the day at 07:00: ...', '6 hours before: "
            "...'. A step that pauses a medicine says 'only if your team tells you'.",
            "risks": "A row per risk. Clear all four boxes of a row to remove it; fill an empty row to add one.",
            "dose_source": "The specific page (https://) that backs the dose figure.",
            "sources": "",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "related_pages" in self.fields:
            related = self.instance.related or []
            chosen = {page.slug: page.pk for page in Page.objects.filter(slug__in=related)}
            self.initial["related_pages"] = [chosen[slug] for slug in related if slug in chosen]
        for field in self.fields.values():
            if isinstance(field, PlainJSONField):
                # No hidden copy of the JSON (the model's default is callable): the boxes are the value.
                field.show_hidden_initial = False

    def clean(self):
        cleaned = super().clean()
        # Site pages have no related pages, and their form does not show the box.
        shows_related = self.instance.pk is None or self.instance.kind != Page.Kind.PAGE
        if shows_related and "related_pages" in cleaned:
            kept = [slug for slug in self.instance.related or [] if slug in {p.slug for p in cleaned["related_pages"]}]
            added = [page.slug for page in cleaned["related_pages"] if page.slug not in kept]
            self.instance.related = kept + added
        return cleaned

    def _shown_safety_fields(self):
        return [name for name in SAFETY_FIELDS if name in self.fields]

    def _update_errors(self, errors):
        # Page.clean() words a safety problem for the content files ("how_often
        # must be ..."); _post_clean says it again, where it is on this form.
        shown = self._shown_safety_fields()
        if hasattr(errors, "error_dict") and shown:
            errors = ValidationError({k: v for k, v in errors.error_dict.items() if k not in shown})
        super()._update_errors(errors)

    def _post_clean(self):
        super()._post_clean()  # the page now holds the form's values
        shown = self._shown_safety_fields()
        if not shown or self.instance.kind not in (Page.Kind.SCAN, Page.Kind.PROCEDURE, Page.Kind.EASY_READ):
            return
        # The loader's rules, https only from the form (issue 14), as for sources.
        if self.instance.kind == Page.Kind.EASY_READ:
            standard = Page.objects.filter(slug=self.instance.standard_slug).first()
            problems = easy_read.fields_problems(self.instance.file_fields(), standard and standard.file_fields())
        else:
            problems = safety.procedure_problems(self.instance.file_fields(), schemes=("https",))
        for keys, message in problems:
            if keys[0] in shown:
                self.add_error(keys[0], located(keys, message))
