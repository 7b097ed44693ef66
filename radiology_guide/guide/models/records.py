"""The guide's records: the search index, what was rendered, drafts waiting
to be published, every revision, and patients' words for pages (synonyms)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from radiology_guide.guide.words import normalise

# Addresses that are pages but not in the search index.
EXTRA_TARGETS = {"/enquire/"}


class SearchVectorField(models.Field):
    """PostgreSQL's ``tsvector`` column: django.contrib.postgres.search's
    field of the same name, which migration 0012 made the column with, but
    without importing that module at start-up: it loads psycopg (about 11 MB
    resident) into every process, SQLite's too. Its lookup, matching a
    ``SearchQuery`` with ``@@``, is Django's own, imported when first used
    (only PostgreSQL queries the column)."""

    description = "PostgreSQL full-text search vector"

    def db_type(self, connection):
        return "tsvector"

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            from django.contrib.postgres.search import SearchVectorExact  # imported when used: see above

            return SearchVectorExact
        return super().get_lookup(lookup_name)


class SearchEntry(models.Model):
    """One searchable thing (a page, an FAQ or a glossary term) as plain text.

    Kept in step with the content by ``guide.search``. On SQLite an FTS5 table
    mirrors it through triggers (see migration 0002); on PostgreSQL its
    full-text vector is stored in ``document`` (title weighted A, text B),
    with a GIN index (migration 0012), as djangoproject.com does, instead of
    being built on every query. SQLite leaves ``document`` empty.
    """

    kind = models.CharField(max_length=20)  # section, scan, procedure, page, faq, term
    key = models.CharField(max_length=120)
    title = models.CharField(max_length=200)
    text = models.TextField()
    url = models.CharField(max_length=200)
    # The language it is written in (issue 23): a translation has entries of its own.
    language = models.CharField(max_length=10, default=settings.LANGUAGE_CODE)
    document = SearchVectorField(null=True, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key", "language"], name="unique_search_entry_language")]

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
        self.phrase = normalise(self.phrase)
        if not self.phrase:
            raise ValidationError({"phrase": "Enter the words people type."})
        if self.url not in EXTRA_TARGETS and not SearchEntry.objects.filter(url=self.url).exists():
            raise ValidationError({"url": "No page of the guide has this address. Copy it from the address bar."})
