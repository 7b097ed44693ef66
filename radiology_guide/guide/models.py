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
from django.db import models
from django.urls import reverse
from django.utils import timezone

from radiology_guide.guide.markdown import GlossaryLinker, render_inline, render_markdown

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

    class DoseBand(models.TextChoices):
        NONE = "none", "None"
        VERY_LOW = "very low", "Very low"
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    FILE_FIELDS = (
        "kind", "slug", "title", "summary", "order", "body", "caption", "review_status",
        "last_reviewed", "next_review_due", "reviewer_role", "approved_by_name", "approved_on",
        "sources", "related", "duration", "ionising_radiation", "dose_band", "sedation", "usual_stay",
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
    last_reviewed = models.DateField(default=datetime.date.today)
    next_review_due = models.DateField()
    reviewer_role = models.CharField(max_length=120, default="Content editor")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    approved_by_name = models.CharField(max_length=200, blank=True, editable=False)
    approved_on = models.DateField(null=True, blank=True, editable=False)
    sources = models.JSONField(default=list, blank=True, help_text='A list of {"name": ..., "url": ...}.')
    related = models.JSONField(default=list, blank=True, help_text="Slugs of related pages.")

    # Facts shown in the summary box of a scan or procedure page.
    duration = models.CharField(max_length=100, blank=True)
    ionising_radiation = models.BooleanField(null=True, blank=True)
    dose_band = models.CharField(max_length=20, choices=DoseBand.choices, blank=True)
    sedation = models.CharField(max_length=200, blank=True)
    usual_stay = models.CharField(max_length=200, blank=True)

    body_html = models.TextField(blank=True, editable=False)
    toc = models.JSONField(default=list, blank=True, editable=False)
    # Guide pages only: everything inside <main>, rendered when any content
    # changes (guide/prerender.py), so a request renders just the site's frame.
    main_html = models.TextField(blank=True, editable=False)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "order", "title"]
        permissions = [("approve_page", "Can record clinical approval of content")]

    def __str__(self):
        return self.title

    def save(self, *args, linker=None, **kwargs):
        loaded = getattr(self, "_loaded_text", None)
        if self.is_approved and loaded is not None and loaded != self.reviewed_text():
            self.return_to_draft()
        if not self.next_review_due:
            self.next_review_due = add_years(self.last_reviewed, REVIEW_CYCLE_YEARS)
        self.render(linker or glossary_linker())
        super().save(*args, **kwargs)
        self._loaded_text = self.reviewed_text()

    def get_absolute_url(self):
        if self.kind == self.Kind.SECTION:
            return reverse("guide:section", args=[self.slug])
        if self.kind in (self.Kind.SCAN, self.Kind.PROCEDURE):
            return reverse("guide:procedure", args=[self.slug])
        return reverse(f"guide:{self.slug}")

    @property
    def is_approved(self):
        return self.review_status == APPROVED

    @property
    def review_overdue(self):
        return self.next_review_due < timezone.localdate()

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_text = instance.reviewed_text() if "body" in field_names else None
        return instance

    def reviewed_text(self):
        """The words a clinician approves: a change to any of them needs a new review."""
        return (self.title, self.summary, self.body, self.caption, self.duration, self.sedation, self.usual_stay)

    def render(self, linker=None):
        rendered = render_markdown(self.body, linker)
        self.body_html, self.toc = rendered.html, rendered.toc

    def return_to_draft(self):
        self.review_status = DRAFT
        self.approved_by = None
        self.approved_by_name = ""
        self.approved_on = None

    def approve(self, user, on=None):
        """Record a clinician's approval: who, when, and the next review date."""
        on = on or timezone.localdate()
        self.review_status = APPROVED
        self.approved_by = user
        self.approved_by_name = user.get_full_name() or user.get_username()
        self.approved_on = on
        self.last_reviewed = on
        self.next_review_due = add_years(on, REVIEW_CYCLE_YEARS)
        self.reviewer_role = settings.CLINICAL_REVIEWER_ROLE
        self._loaded_text = self.reviewed_text()  # approving is not an edit
        self.save()

    def related_pages(self, by_slug=None):
        """The related pages that exist, in order. ``by_slug`` (slug -> page),
        when given, is looked in instead of the database."""
        if not self.related:
            return []
        if by_slug is None:
            pages = Page.objects.filter(slug__in=self.related).only(*LINK_FIELDS)
            by_slug = {page.slug: page for page in pages}
        return [by_slug[slug] for slug in self.related if slug in by_slug]


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class ChildContent(SyncedContent):
    """A row, FAQ or term that belongs to one site page (its review record)."""

    PARENT_SLUG = ""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        edited = self.changed_since_loaded()
        super().save(*args, **kwargs)
        if edited:
            # Editing what a clinician approved sends the page back for review.
            Page.objects.filter(slug=self.PARENT_SLUG, review_status=APPROVED).update(
                review_status=DRAFT, approved_by=None, approved_by_name="", approved_on=None
            )


class ComparisonRow(ChildContent):
    PARENT_SLUG = "compare"
    FILE_FIELDS = ("feature", "diagnostic", "interventional", "order")

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

    @property
    def letter(self):
        return self.term[:1].upper()

    def render(self, linker=None):
        self.definition_html = render_markdown(self.definition).html


def rerender_all() -> int:
    """Render all stored HTML again, writing only what changed.

    Needed after the glossary changes (links on other pages) and after an
    upgrade that changes how Markdown is rendered. Returns how many objects
    changed.
    """
    linker = glossary_linker()
    changed = 0
    for model, fields in (
        (Page, ["body_html", "toc"]),
        (FAQ, ["answer_html"]),
        (ComparisonRow, ["diagnostic_html", "interventional_html"]),
        (GlossaryTerm, ["definition_html"]),
    ):
        stale = []
        for obj in model.objects.all():
            before = [getattr(obj, name) for name in fields]
            obj.render(linker)
            if [getattr(obj, name) for name in fields] != before:
                stale.append(obj)
        model.objects.bulk_update(stale, fields)
        changed += len(stale)
    from radiology_guide.guide.prerender import prerender_all  # it renders templates with these models

    return changed + prerender_all()


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


class Revision(models.Model):
    """What a piece of content said after each save in admin, and who saved it.

    Together with ``export_content`` (which puts the files under review in
    git) this keeps a history editors and clinicians can read and restore.
    """

    model = models.CharField(max_length=40)  # "page", "faq", "comparisonrow" or "glossaryterm"
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=200)
    fields = models.JSONField()
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-saved_at", "-pk"]
        indexes = [models.Index(fields=["model", "object_id", "-saved_at"])]

    def __str__(self):
        return f"{self.title} ({self.saved_at:%Y-%m-%d %H:%M})"

    @classmethod
    def record(cls, obj, user):
        fields = json.loads(json.dumps(obj.file_fields(), default=str))
        return cls.objects.create(
            model=obj._meta.model_name, object_id=obj.pk, title=str(obj)[:200], fields=fields, saved_by=user
        )

    def target(self):
        model = {m._meta.model_name: m for m in (Page, FAQ, ComparisonRow, GlossaryTerm)}[self.model]
        return model.objects.filter(pk=self.object_id).first()

    # Review records are never restored: an old approval cannot come back.
    NOT_RESTORED = {
        "review_status",
        "approved_by_name",
        "approved_on",
        "last_reviewed",
        "next_review_due",
        "reviewer_role",
    }

    def restore(self, user):
        """Put this revision's words back (a new save, and so a new revision)."""
        obj = self.target()
        for name, value in self.fields.items():
            if name in self.NOT_RESTORED:
                continue
            field = obj._meta.get_field(name)
            setattr(obj, name, field.to_python(value) if value is not None else None)
        obj.save()
        return Revision.record(obj, user)


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
