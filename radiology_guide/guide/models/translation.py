"""A translation of one piece of guide content into one language (issue 23).

Separate rows, not extra columns on the English (django-modeltranslation's
way): a translation has a life of its own (its own draft, preview, publishing,
revisions and approval, through guide/publishing.py like any content), its
own sign-off (who translated it, who checked the translation, which clinician
approved it), and the English text it was made from. README "Translations"
says why.

``text`` holds the translated fields under the English field names (a page's
title, summary, body, preparation, warning signs, risks...), so one model
serves every content type; guide/translations.py knows which fields each has
and lays them over the English.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from radiology_guide.guide.models.base import APPROVED, DRAFT, SyncedContent, content_hash

#: The languages content is translated into: every language but English.
TRANSLATED_LANGUAGES = [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
#: How many characters of the English text's hash name its version.
FINGERPRINT_LENGTH = 12


def english_fingerprint(translated_fields: dict) -> str:
    """The version of the English a translation is made from: a hash of the
    English words it translates (stable across databases and in the files)."""
    return content_hash(translated_fields)[:FINGERPRINT_LENGTH]


class Translation(SyncedContent):
    class Status(models.TextChoices):
        MISSING = "missing", "Missing"
        UP_TO_DATE = "up to date", "Up to date"
        OUT_OF_DATE = "out of date", "Out of date"
        AWAITING_CHECK = "awaiting check", "Awaiting check"

    FILE_FIELDS = (
        "language", "of_model", "of_key", "source_revision", "translated_by", "translation_checked_by",
        "review_status", "approved_by_name", "approved_on", "text",
    )  # fmt: skip
    MARKDOWN_FIELDS = ()
    APPROVAL_FIELDS = ("review_status", "approved_by_name", "approved_on")

    language = models.CharField(max_length=10, choices=TRANSLATED_LANGUAGES)
    of_model = models.CharField(
        "content type", max_length=40, default="page", help_text='What it translates: "page", "faq", ...'
    )
    of_key = models.CharField("translates", max_length=120, help_text="The English page's slug (an FAQ's anchor...).")
    # "pl/page/ct-scan": names it in drafts, revisions and sync reports.
    key = models.CharField(max_length=200, unique=True, editable=False)
    text = models.JSONField(default=dict, help_text="The translated fields, under the English field names.")
    source_revision = models.CharField(
        "English version translated",
        max_length=FINGERPRINT_LENGTH,
        blank=True,
        help_text="The fingerprint of the English text this was made from (shown on the English page's admin).",
    )
    # Set when the English is published with different words; cleared when
    # a translation of the new English is published.
    english_changed_on = models.DateField(null=True, blank=True, editable=False)
    translated_by = models.CharField(max_length=200, help_text="Who translated it (a person or a service).")
    translation_checked_by = models.CharField(
        "translation checked by",
        max_length=200,
        blank=True,
        help_text="The qualified translator who checked it. Empty: not checked yet.",
    )
    review_status = models.CharField(
        max_length=40, choices=[(DRAFT, "Awaiting clinical review"), (APPROVED, "Approved")], default=DRAFT
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False, related_name="+"
    )
    approved_by_name = models.CharField(max_length=200, blank=True, editable=False)
    approved_on = models.DateField(null=True, blank=True, editable=False)
    # Everything inside <main>, rendered in its language (guide/translations.py).
    main_html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["language", "of_model", "of_key"]
        constraints = [
            models.UniqueConstraint(fields=["language", "of_model", "of_key"], name="one_translation_per_language")
        ]

    def __str__(self):
        return f"{self.get_language_display()}: {self.text.get('title') or self.of_key}"

    def save(self, *args, **kwargs):
        self.key = self.make_key(self.language, self.of_model, self.of_key)
        super().save(*args, **kwargs)

    @staticmethod
    def make_key(language, of_model, of_key):
        return f"{language}/{of_model}/{of_key}"

    def render(self, linker=None):
        """Its HTML is rendered with its English page (guide/translations.py)."""

    @property
    def is_approved(self):
        return self.review_status == APPROVED

    @property
    def is_checked(self):
        return bool(self.translation_checked_by)

    @property
    def is_out_of_date(self):
        return self.english_changed_on is not None

    @property
    def status(self):
        if self.is_out_of_date:
            return self.Status.OUT_OF_DATE
        if not (self.is_checked and self.is_approved):
            return self.Status.AWAITING_CHECK
        return self.Status.UP_TO_DATE

    def reviewed_text(self):
        fields = self.file_fields()
        return content_hash({name: fields[name] for name in self.FILE_FIELDS if name not in self.APPROVAL_FIELDS})

    DRAFT_VALUES = {"review_status": DRAFT, "approved_by": None, "approved_by_name": "", "approved_on": None}

    def return_to_draft(self):
        for name, value in self.DRAFT_VALUES.items():
            setattr(self, name, value)

    def approve(self, user, on=None):
        """A clinician's approval of the translation's content (the language
        check is ``translation_checked_by``'s)."""
        self.review_status = APPROVED
        self.approved_by = user
        self.approved_by_name = user.get_full_name() or user.get_username()
        self.approved_on = on or timezone.localdate()
        self.save()
