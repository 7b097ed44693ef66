"""Guide content: pages (sections, scans, procedures and site pages), the
comparison table's rows, FAQs and glossary terms.

Each object keeps its Markdown source and the HTML rendered from it when it
is saved. ``synced_hash`` records what the content files said at the last
sync or export, so ``sync_content`` can tell an admin's edit from a file's.
"""

import datetime
import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from radiology_guide.guide import safety
from radiology_guide.guide.markdown import GlossaryLinker, image_problems, render_inline, render_markdown
from radiology_guide.guide.safety_rules import (
    glossary_alias_problems,
    glossary_choice_problems,
    sedation_contradictions,
)

REVIEW_CYCLE_YEARS = 3
DRAFT = "awaiting clinical review"
APPROVED = "approved"


def content_hash(fields: dict) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


def glossary_linker():
    from django.utils.html import strip_tags

    return GlossaryLinker(
        (term.slug, term.words(), strip_tags(term.definition_html)) for term in GlossaryTerm.objects.all()
    )


class SyncedContent(models.Model):
    """What every piece of file-backed content shares."""

    #: The fields that come from (and go back to) the content files.
    FILE_FIELDS: tuple[str, ...] = ()

    synced_hash = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        loaded_all = set(cls.FILE_FIELDS) <= set(field_names)
        instance._loaded_hash = instance.current_hash() if loaded_all else None
        return instance

    def changed_since_loaded(self) -> bool:
        return getattr(self, "_loaded_hash", None) not in (None, self.current_hash())

    def file_fields(self) -> dict:
        return {name: getattr(self, name) for name in self.FILE_FIELDS}

    def current_hash(self) -> str:
        return content_hash(self.file_fields())


# What a link to a page shows (its address, title and summary).
LINK_FIELDS = ("kind", "slug", "title", "summary")


class PageQuerySet(models.QuerySet):
    def sections(self):
        return self.filter(kind=Page.Kind.SECTION).order_by("order", "title")

    def procedures(self):
        return self.filter(kind__in=[Page.Kind.SCAN, Page.Kind.PROCEDURE]).order_by("order", "title")

    def review_overdue(self, today=None):
        return self.filter(next_review_due__lt=today or timezone.localdate())


class Page(SyncedContent):
    class Kind(models.TextChoices):
        SECTION = "section", "Guide section"
        SCAN = "scan", "Scan"
        PROCEDURE = "procedure", "Procedure"
        PAGE = "page", "Site page"

    DOSE_BANDS = [(band, band.capitalize()) for band in safety.DOSE_BANDS]

    FILE_FIELDS = (
        "kind", "slug", "title", "summary", "order", "body", "caption", "review_status",
        "last_reviewed", "next_review_due", "reviewer_role", "approved_by_name", "approved_on",
        "reviewer_registration", "review_sheet",
        "sources", "related", "duration", "ionising_radiation", "dose_band", "sedation", "usual_stay",
        "dose", "dose_source", "sedation_aftercare", "preparation", "warning_signs", "risks",
        "glossary_senses", "glossary_skip",
    )  # fmt: skip
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

    def get_absolute_url(self):
        if self.kind == self.Kind.SECTION:
            return reverse("guide:section", args=[self.slug])
        if self.kind in (self.Kind.SCAN, self.Kind.PROCEDURE):
            return reverse("guide:procedure", args=[self.slug])
        return reverse(f"guide:{self.slug}")

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
        return problems

    @property
    def is_approved(self):
        return self.review_status == APPROVED

    @property
    def review_overdue(self):
        return self.next_review_due is not None and self.next_review_due < timezone.localdate()

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        loaded_all = set(cls.FILE_FIELDS) <= set(field_names)
        instance._loaded_text = instance.reviewed_text() if loaded_all else None
        return instance

    def reviewed_text(self):
        """Everything a clinician approves: every field a patient sees (words, facts,
        dose, sources, related pages, review dates). A change to any needs a new review."""
        fields = self.file_fields()
        return content_hash({name: fields[name] for name in self.FILE_FIELDS if name not in self.APPROVAL_FIELDS})

    def render(self, linker=None):
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
        from radiology_guide.guide import review_sheet

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
        self.review_sheet = review_sheet.version(self)
        self._loaded_text = self.reviewed_text()  # approving is not an edit
        self.save()

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


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class ChildContent(SyncedContent):
    """A row, FAQ or term that belongs to one site page (its review record)."""

    PARENT_SLUG = ""
    #: Fields written in Markdown (checked for images outside the library).
    MARKDOWN_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        edited = self.changed_since_loaded()
        super().save(*args, **kwargs)
        if edited:
            # Editing what a clinician approved sends the page back for review.
            Page.objects.filter(slug=self.PARENT_SLUG, review_status=APPROVED).update(**Page.DRAFT_VALUES)

    def clean(self):
        errors = {
            name: [message for _, message in image_problems(getattr(self, name))]
            # A glossary term is its definition's subject: "Sedation" and "you are still awake".
            + [message for _, message in sedation_contradictions(f"{getattr(self, 'term', '')} {getattr(self, name)}")]
            for name in self.MARKDOWN_FIELDS
        }
        errors["aliases"] = self.alias_problems()
        if any(errors.values()):
            raise ValidationError({name: messages for name, messages in errors.items() if messages})

    def alias_problems(self):
        return []


class ComparisonRow(ChildContent):
    PARENT_SLUG = "compare"
    FILE_FIELDS = ("feature", "diagnostic", "interventional", "order")
    MARKDOWN_FIELDS = ("diagnostic", "interventional")

    feature = models.CharField(max_length=120, unique=True)
    diagnostic = models.TextField(help_text="Markdown, kept short.")
    interventional = models.TextField(help_text="Markdown, kept short.")
    order = models.PositiveIntegerField(default=0)
    diagnostic_html = models.TextField(blank=True, editable=False)
    interventional_html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["order", "feature"]

    def __str__(self):
        return self.feature

    def save(self, *args, linker=None, **kwargs):
        self.render()
        super().save(*args, **kwargs)

    def render(self, linker=None):
        self.diagnostic_html = render_inline(self.diagnostic)
        self.interventional_html = render_inline(self.interventional)


class FAQ(ChildContent):
    PARENT_SLUG = "faqs"
    FILE_FIELDS = ("group", "question", "anchor", "answer", "order")
    MARKDOWN_FIELDS = ("answer",)

    group = models.CharField(max_length=120)
    question = models.CharField(max_length=200)
    anchor = models.SlugField(max_length=80, unique=True, help_text="The link to this question: /faqs/#anchor")
    answer = models.TextField(help_text="Markdown.")
    order = models.PositiveIntegerField(default=0)
    answer_html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["order"]
        verbose_name = "FAQ"

    def __str__(self):
        return self.question

    def save(self, *args, linker=None, **kwargs):
        self.render(linker or glossary_linker())
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("guide:faqs") + f"#{self.anchor}"

    def render(self, linker=None):
        # Prefixed ids: every answer shares the FAQ page. Terms link to the
        # glossary rather than open in place: 22 answers each repeating their
        # definitions took the page from 22 KB to 38 KB as sent, over the
        # 40 KB budget with its stylesheet (tests/browser/test_weight.py).
        self.answer_html = render_markdown(self.answer, linker, id_prefix=f"{self.anchor}-", explain=False).html


class GlossaryTerm(ChildContent):
    PARENT_SLUG = "glossary"
    FILE_FIELDS = ("term", "slug", "aliases", "definition")
    MARKDOWN_FIELDS = ("definition",)

    term = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    aliases = models.CharField(max_length=300, blank=True, help_text="Other words that link here, comma separated.")
    definition = models.TextField(help_text="Markdown: one or two short sentences.")
    definition_html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["term"]

    def __str__(self):
        return self.term

    def save(self, *args, linker=None, **kwargs):
        self.render()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("guide:glossary") + f"#{self.slug}"

    def words(self):
        return [self.term, *(alias.strip() for alias in self.aliases.split(",") if alias.strip())]

    def alias_problems(self):
        """The glossary rule (guide/safety_rules.py) with this entry as edited."""
        others = GlossaryTerm.objects.exclude(pk=self.pk) if self.pk else GlossaryTerm.objects.all()
        terms = [(self.slug, self.term, self.words()[1:])]
        terms += [(term.slug, term.term, term.words()[1:]) for term in others]
        return [message for slug, message in glossary_alias_problems(terms) if slug == self.slug]

    @property
    def letter(self):
        return self.term[:1].upper()

    def render(self, linker=None):
        self.definition_html = render_markdown(self.definition).html


class SearchEntry(models.Model):
    """One searchable thing (a page, an FAQ or a glossary term) as plain text.

    Kept in step with the content by ``guide.search``. On SQLite an FTS5 table
    mirrors it through triggers (see migration 0002); on PostgreSQL it is
    searched with full-text search directly.
    """

    kind = models.CharField(max_length=20)  # section, scan, procedure, page, faq, term
    key = models.CharField(max_length=120)
    title = models.CharField(max_length=200)
    text = models.TextField()
    url = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="unique_search_entry")]

    def __str__(self):
        return self.title


class RenderState(models.Model):
    """What the stored HTML was last rendered with (one row): a hash of the
    rendering code and templates (guide.prerender.renderer_fingerprint). A
    sync that changes no content renders nothing again unless it differs."""

    fingerprint = models.CharField(max_length=64)

    def __str__(self):
        return self.fingerprint[:12]


class Draft(models.Model):
    """Unpublished changes to one piece of content: the fields an editor saved,
    waiting to be published. Patients see the object's own row until then.

    One table for every content type (guide/content_types.py names them), so a
    new type needs no draft fields of its own.
    """

    model = models.CharField(max_length=40)  # a content type's name: "page", "faq", ...
    # None: a new object, added in admin (or restored after it was deleted),
    # that patients see only once it is published.
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    fields = models.JSONField()
    note = models.CharField("what changed", max_length=200, blank=True)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    saved_at = models.DateTimeField(default=timezone.now)
    publish_at = models.DateTimeField(null=True, blank=True)
    publish_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["model", "object_id"], name="one_draft_per_object")]

    def __str__(self):
        if self.object_id is None:
            return f"Draft of a new {self.model}"
        return f"Draft of {self.model} {self.object_id}"


class Revision(models.Model):
    """What a piece of content said after each change, from any path (admin,
    publishing, sync, export, restore), who made it, and why.

    Together with ``export_content`` (which puts the files under review in
    git) this keeps a history editors and clinicians can read and restore.
    """

    class Action(models.TextChoices):
        DRAFT = "draft", "Draft saved"
        PUBLISHED = "published", "Published"
        APPROVED = "approved", "Published with clinical approval"
        SYNCED = "synced", "Loaded from the content files"
        EXPORTED = "exported", "Written to the content files"
        RESTORED = "restored", "Restored as a draft"
        DELETED = "deleted", "Deleted"

    model = models.CharField(max_length=40)  # a content type's name: "page", "faq", ...
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=200)
    fields = models.JSONField()
    action = models.CharField(max_length=20, choices=Action.choices, default=Action.PUBLISHED)
    note = models.CharField("what changed", max_length=200, blank=True)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-saved_at", "-pk"]
        indexes = [models.Index(fields=["model", "object_id", "-saved_at"])]

    def __str__(self):
        return f"{self.title} ({self.saved_at:%Y-%m-%d %H:%M})"

    # Review records are never restored: an old approval cannot come back.
    NOT_RESTORED = frozenset(
        {"review_status", "approved_by_name", "approved_on", "last_reviewed", "next_review_due", "reviewer_role"}
        | {"reviewer_registration", "review_sheet"}
    )


class Synonym(models.Model):
    """A phrase a patient types ("cat scan") and the page they mean by it.

    Kept by editors in admin and in ``content/synonyms.yml`` (see
    ``guide.synonyms``). A search whose words contain the phrase shows that
    page first, whatever the full-text ranking says.
    """

    phrase = models.CharField(
        max_length=100,
        unique=True,
        help_text="What people type, in lower case, e.g. “cat scan”. Punctuation and spaces are ignored when matching.",
    )
    url = models.CharField(
        "page",
        max_length=200,
        help_text="The address of the page they mean, e.g. /procedures/ct-scan/ or /faqs/#pregnancy.",
    )
    # What the file said at the last sync or export; blank for a phrase added
    # in admin. Lets a sync tell an admin's edit from a change in the file.
    synced_url = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        ordering = ["phrase"]

    def __str__(self):
        return f"{self.phrase} → {self.url}"

    def clean(self):
        from django.core.exceptions import ValidationError

        from radiology_guide.guide.synonyms import normalise, target_exists

        self.phrase = normalise(self.phrase)
        if not self.phrase:
            raise ValidationError({"phrase": "Enter the words people type."})
        if not target_exists(self.url):
            raise ValidationError({"url": "No page of the guide has this address. Copy it from the address bar."})
