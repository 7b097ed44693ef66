"""Guide pages: sections, scans, procedures and the site pages (home,
comparison, FAQs, glossary), and the profile a clinician approves them with.

Each page keeps its Markdown source and the HTML rendered from it when it is
saved; ``reviewed_text`` is what a clinician approves.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from radiology_guide.guide import easy_read, safety
from radiology_guide.guide.markdown import image_problems, render_markdown
from radiology_guide.guide.models.base import (
    APPROVED,
    DRAFT,
    LINK_FIELDS,
    REVIEW_CYCLE_YEARS,
    SyncedContent,
    add_years,
    content_hash,
)
from radiology_guide.guide.models.children import FAQ, ComparisonRow, GlossaryTerm, glossary_linker
from radiology_guide.guide.safety_rules import glossary_choice_problems, sedation_contradictions


class PageQuerySet(models.QuerySet):
    def sections(self):
        return self.filter(kind=Page.Kind.SECTION).order_by("order", "title")

    def procedures(self):
        return self.filter(kind__in=[Page.Kind.SCAN, Page.Kind.PROCEDURE]).order_by("order", "title")

    def easy_read(self):
        return self.filter(kind=Page.Kind.EASY_READ).order_by("order", "title")

    def review_overdue(self, today=None):
        return self.filter(next_review_due__lt=today or timezone.localdate())


#: Each dose band in the reader's language, as a sentence uses it ("a low to medium dose").
BAND_WORDS = {
    "none": pgettext_lazy("radiation dose", "none"),
    "very low": pgettext_lazy("radiation dose", "very low"),
    "low": pgettext_lazy("radiation dose", "low"),
    "medium": pgettext_lazy("radiation dose", "medium"),
    "high": pgettext_lazy("radiation dose", "high"),
    "treatment": pgettext_lazy("radiation dose", "the treatment itself"),
}


def band_words(band):
    """``band`` (safety.DOSE_BANDS) in the reader's language: "low to medium"."""
    low, _to, high = band.partition(" to ")
    if high:
        return format_lazy(
            pgettext_lazy("radiation dose", "{low} to {high}"), low=BAND_WORDS[low], high=BAND_WORDS[high]
        )
    return BAND_WORDS.get(band, band)


class Page(SyncedContent):
    class Kind(models.TextChoices):
        SECTION = "section", _("Guide section")
        SCAN = "scan", _("Scan")
        PROCEDURE = "procedure", _("Procedure")
        PAGE = "page", _("Site page")
        # A scan or procedure page in Easy Read (guide/easy_read.py).
        EASY_READ = "easy_read", _("Easy Read version")

    DOSE_BANDS = [(band, capfirst(band_words(band))) for band in safety.DOSE_BANDS]

    FILE_FIELDS = (
        "kind", "slug", "title", "summary", "order", "body", "caption", "review_status",
        "last_reviewed", "next_review_due", "reviewer_role", "approved_by_name", "approved_on",
        "reviewer_registration", "review_sheet",
        "sources", "related", "duration", "ionising_radiation", "dose_band", "sedation", "usual_stay",
        "dose", "dose_source", "sedation_aftercare", "preparation", "warning_signs", "risks",
        "glossary_senses", "glossary_skip", "preparation_timing",
    )  # fmt: skip
    MARKDOWN_FIELDS = ("body",)
    #: The record of the approval itself; every other file field is what a clinician approves.
    APPROVAL_FIELDS = (
        "review_status", "approved_by_name", "approved_on", "reviewer_registration", "review_sheet",
    )  # fmt: skip

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SECTION)
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, help_text="One plain sentence shown under the title.")
    order = models.PositiveIntegerField(default=0)
    body = models.TextField(blank=True, help_text="Markdown. Start headings at ##.")
    caption = models.CharField(max_length=200, blank=True, help_text="The comparison table's caption.")

    review_status = models.CharField(
        max_length=40, choices=[(DRAFT, "Awaiting clinical review"), (APPROVED, "Approved")], default=DRAFT
    )
    # Set only by a clinician's approval (approve()), never typed by hand.
    last_reviewed = models.DateField(null=True, blank=True, editable=False)
    next_review_due = models.DateField(null=True, blank=True, editable=False)
    reviewer_role = models.CharField(max_length=120, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    approved_by_name = models.CharField(max_length=200, blank=True, editable=False)
    approved_on = models.DateField(null=True, blank=True, editable=False)
    # The approver's professional registration (e.g. "GMC 1234567") as it was
    # when they approved, and the version of the review sheet they checked
    # (guide/review_sheet.py): the page shows the first, the file keeps both.
    reviewer_registration = models.CharField(max_length=60, blank=True, editable=False)
    review_sheet = models.CharField("review sheet version", max_length=12, blank=True, editable=False)
    sources = models.JSONField(
        default=list, blank=True, help_text='A list of {"name": ..., "url": ...}: https:// addresses of specific pages.'
    )
    related = models.JSONField(default=list, blank=True, help_text="Slugs of related pages.")
    # Which glossary entry a word on this page means, where a word has two
    # senses (a bladder "catheter"), and words not to explain at all.
    glossary_senses = models.JSONField(
        default=dict, blank=True, help_text='Words and the entry they mean here: {"catheter": "urinary-catheter"}.'
    )
    glossary_skip = models.JSONField(default=list, blank=True, help_text='Words not to link here: ["ablation"].')

    # Facts shown in the summary box of a scan or procedure page.
    duration = models.CharField(max_length=100, blank=True)
    ionising_radiation = models.BooleanField(null=True, blank=True)
    dose_band = models.CharField(max_length=20, choices=DOSE_BANDS, blank=True)
    dose = models.CharField(max_length=300, blank=True, help_text="One sentence with the dose figure.")
    dose_source = models.JSONField(
        default=dict, blank=True, help_text='The page behind the dose: {"name": ..., "url": ...}.'
    )
    sedation = models.CharField(max_length=200, blank=True)
    sedation_aftercare = models.BooleanField(
        default=False, help_text="Show the shared sedation-aftercare block (when sedation may be used)."
    )
    usual_stay = models.CharField(max_length=200, blank=True)

    # Structured safety content of a scan or procedure page (guide/safety.py has the rules).
    preparation = models.JSONField(
        default=dict, blank=True, help_text="eating_and_drinking, medicines, what_to_bring and optionally other."
    )
    # When each step happens, counted from the appointment (guide/timing.py):
    # a patient's preparation plan lays them on real days (enquiries/plan.py).
    preparation_timing = models.JSONField(
        default=list,
        blank=True,
        help_text='A list of {"when": "-3d", "what": ...}: "-1d 18:00", "0d 07:00", "-6h", "-30m", "+2d".',
    )
    warning_signs = models.JSONField(
        default=dict, blank=True, help_text="call_999, call_111_or_unit and next_visit: lists of sentences."
    )
    risks = models.JSONField(
        default=list, blank=True, help_text='A list of {"what": ..., "how_often": ..., "source": {"name", "url"}}.'
    )

    body_html = models.TextField(blank=True, editable=False)
    toc = models.JSONField(default=list, blank=True, editable=False)
    # Guide pages only: everything inside <main>, rendered when any content
    # changes (guide/prerender.py), so a request renders just the site's frame.
    main_html = models.TextField(blank=True, editable=False)
    # Scans and procedures only: the inside of <main> of the printable
    # summary, rendered with main_html (its safety content is Markdown, and
    # python-markdown is 3 MB a worker never needs to import then).
    summary_html = models.TextField(blank=True, editable=False)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "order", "title"]
        permissions = [
            ("approve_page", "Can record clinical approval of content"),
            ("publish_content", "Can publish drafts of pages, FAQs, comparison rows and glossary terms"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, linker=None, **kwargs):
        # Whatever saves it (admin, a command, a restore), a page never stores
        # a source that is not a web address: it would be rendered as a link.
        links = [s.get("url") if isinstance(s, dict) else s for s in self.sources or []]
        links += [(self.dose_source or {}).get("url")] if self.dose_source else []
        links += [(r.get("source") or {}).get("url") for r in self.risks or [] if isinstance(r, dict)]
        if not all(safety.is_web_link(url) for url in links):
            raise ValidationError({"sources": "Every source must be an https:// (or http://) web address."})
        loaded = getattr(self, "_loaded_text", None)
        if self.is_approved and loaded is not None and loaded != self.reviewed_text():
            self.return_to_draft()
        self.render(linker or glossary_linker())
        super().save(*args, **kwargs)
        self._loaded_text = self.reviewed_text()

    @property
    def dose_band_words(self):
        """The dose band as a sentence on the page says it, in the reader's language."""
        return band_words(self.dose_band) if self.dose_band else ""

    def get_absolute_url(self):
        if self.kind == self.Kind.SECTION:
            return reverse("guide:section", args=[self.slug])
        if self.kind in (self.Kind.SCAN, self.Kind.PROCEDURE):
            return reverse("guide:procedure", args=[self.slug])
        if self.kind == self.Kind.EASY_READ:
            return reverse("guide:easy_read", args=[self.standard_slug])
        return reverse(f"guide:{self.slug}")

    def get_large_print_url(self):
        """The large-print version of a guide section, scan or procedure page."""
        name = "section_large_print" if self.kind == self.Kind.SECTION else "procedure_large_print"
        return reverse(f"guide:{name}", args=[self.slug])

    def clean(self):
        errors = {}
        for keys, message in self.problems():
            errors.setdefault(keys[0] if keys[0] in self.FILE_FIELDS else "body", []).append(message)
        if errors:
            raise ValidationError(errors)

    def problems(self):
        """What breaks the content rules (guide/safety.py), as (keys, message)."""
        problems = safety.sources_problems(self.sources)
        problems += [(("body",), f"Line {line}: {message}") for line, message in image_problems(self.body)]
        problems += [(("body",), f"Line {line}: {message}") for line, message in sedation_contradictions(self.body)]
        words = {word.lower(): term.slug for term in GlossaryTerm.objects.all() for word in term.words()}
        problems += glossary_choice_problems(self.glossary_senses, self.glossary_skip, words)
        if self.kind in (self.Kind.SCAN, self.Kind.PROCEDURE):
            problems += safety.procedure_problems(self.file_fields(), schemes=safety.WEB_SCHEMES)
            problems += [(("body",), message) for _, message in safety.body_problems(self.body)]
        if self.kind == self.Kind.EASY_READ:
            problems += [(("body",), f"Line {line}: {message}") for line, message in easy_read.body_problems(self.body)]
            standard = Page.objects.filter(slug=self.standard_slug).first() if self.standard_slug else None
            problems += easy_read.fields_problems(self.file_fields(), standard and standard.file_fields())
        return problems

    @property
    def standard_slug(self):
        """An Easy Read page's standard page ("ct-scan" for "ct-scan-easy-read"), else ""."""
        return easy_read.standard_of(self.slug) if self.kind == self.Kind.EASY_READ else ""

    @property
    def is_approved(self):
        return self.review_status == APPROVED

    @property
    def review_overdue(self):
        return self.next_review_due is not None and self.next_review_due < timezone.localdate()

    def remember_loaded(self, loaded_all):
        super().remember_loaded(loaded_all)
        self._loaded_text = self.reviewed_text() if loaded_all else None

    def reviewed_text(self):
        """Everything a clinician approves: every field a patient sees (words, facts,
        dose, sources, related pages, review dates). A change to any needs a new review."""
        fields = self.file_fields()
        return content_hash({name: fields[name] for name in self.FILE_FIELDS if name not in self.APPROVAL_FIELDS})

    def render(self, linker=None):
        if self.kind == self.Kind.EASY_READ:
            linker = None  # no jargon to explain: an Easy Read page links no glossary words
        rendered = render_markdown(self.body, linker, senses=self.glossary_senses, skip=self.glossary_skip)
        self.body_html, self.toc = rendered.html, rendered.toc

    #: What returning to draft clears: the approval and the dates it set.
    DRAFT_VALUES = {
        "review_status": DRAFT, "approved_by": None, "approved_by_name": "", "approved_on": None,
        "last_reviewed": None, "next_review_due": None, "reviewer_role": "", "reviewer_registration": "",
        "review_sheet": "",
    }  # fmt: skip

    def return_to_draft(self):
        for name, value in self.DRAFT_VALUES.items():
            setattr(self, name, value)

    def approve(self, user, on=None):
        """Record a clinician's approval: who (with their role and registration
        from their reviewer profile), when, the next review date, and the
        version of the review sheet that shows the page as approved."""
        on = on or timezone.localdate()
        profile = ReviewerProfile.objects.filter(user=user).first() or ReviewerProfile()
        self.review_status = APPROVED
        self.approved_by = user
        self.approved_by_name = user.get_full_name() or user.get_username()
        self.approved_on = on
        self.last_reviewed = on
        self.next_review_due = add_years(on, REVIEW_CYCLE_YEARS)
        self.reviewer_role = profile.role or settings.CLINICAL_REVIEWER_ROLE
        self.reviewer_registration = profile.registration
        self.review_sheet = self.review_sheet_version()
        self._loaded_text = self.reviewed_text()  # approving is not an edit
        self.save()

    #: The entries a site page's review sheet is made from, besides its own fields.
    ENTRIES = {"faqs": FAQ, "compare": ComparisonRow, "glossary": GlossaryTerm}
    #: What an approval is, not what was approved: left out of the sheet's version.
    NOT_IN_SHEET_VERSION = frozenset({*APPROVAL_FIELDS, "last_reviewed", "next_review_due", "reviewer_role"})

    def review_sheet_version(self) -> str:
        """The version of the page's review sheet (guide/review_sheet.py): a
        hash of everything the sheet is made from, so it changes whenever what
        a clinician checks changes, and not when the page is approved."""
        fields = self.file_fields()
        made_from = {"page": {name: value for name, value in fields.items() if name not in self.NOT_IN_SHEET_VERSION}}
        if entries := self.ENTRIES.get(self.slug):
            made_from["entries"] = [entry.file_fields() for entry in entries.objects.all()]
        return content_hash(made_from)[: self.SHEET_VERSION_LENGTH]

    SHEET_VERSION_LENGTH = 12  # short enough to read off paper and compare with the admin

    def references(self):
        """Every source the page cites, numbered once each: the page's own
        sources, then the dose's and each risk's if not among them. A figure
        links to its number ("[source 2]") in "Where this information comes
        from", so the citations do not interrupt the page."""
        cited = [*(self.sources or []), *([self.dose_source] if self.dose_source else [])]
        cited += [risk.get("source") for risk in self.risks or [] if isinstance(risk, dict) and risk.get("source")]
        numbered, seen = [], set()
        for source in cited:
            if isinstance(source, dict) and source.get("url") not in seen:
                seen.add(source.get("url"))
                numbered.append({"number": len(numbered) + 1, "name": source.get("name", ""), "url": source["url"]})
        return numbered

    def reference_number(self, source):
        """The number of ``source`` among references(), or None."""
        url = (source or {}).get("url")
        return next((ref["number"] for ref in self.references() if ref["url"] == url), None)

    def related_pages(self, by_slug=None):
        """The related pages that exist, in order. ``by_slug`` (slug -> page),
        when given, is looked in instead of the database."""
        if not self.related:
            return []
        if by_slug is None:
            pages = Page.objects.filter(slug__in=self.related).only(*LINK_FIELDS)
            by_slug = {page.slug: page for page in pages}
        return [by_slug[slug] for slug in self.related if slug in by_slug]


class ReviewerProfile(models.Model):
    """How a clinician who approves content is shown on the pages they approve:
    their role and professional registration. Copied into each approval, so a
    later change does not rewrite what was recorded."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_profile")
    role = models.CharField(
        max_length=120, blank=True, help_text="As patients read it, e.g. “Consultant interventional radiologist”."
    )
    registration = models.CharField(
        "professional registration",
        max_length=60,
        blank=True,
        help_text="The register and number, e.g. “GMC 1234567” or “HCPC RA12345”.",
    )

    def __str__(self):
        return f"Reviewer profile of {self.user}"
