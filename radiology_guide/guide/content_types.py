"""One registry of the kinds of content editors change: pages, comparison
rows, FAQs and glossary terms.

Sync, export, search, drafts, revisions, preview and publishing all read
their names, keys and fields from here, so a new kind of content is added in
one place (and its model, admin and content file format).
"""

from dataclasses import dataclass

from radiology_guide.guide.models import FAQ, ComparisonRow, GlossaryTerm, Page, Translation


@dataclass(frozen=True, eq=False)
class ContentType:
    model: type
    #: Its name in the content files' records ("page", "row", "faq", "term").
    record: str
    #: The field that names one object in the files and in sync reports.
    key_field: str
    label: str
    #: Stored HTML, rendered from the Markdown fields by ``obj.render()``.
    html_fields: tuple[str, ...]
    #: The kinds of search entry it owns (guide/search.py makes them).
    search_kinds: tuple[str, ...] = ()
    #: A change renders other objects again (glossary terms: their links).
    relinks_everything: bool = False
    #: Markdown fields where glossary terms are linked (render() with a linker).
    linked_fields: tuple[str, ...] = ()

    @property
    def name(self):
        """Its name in drafts and revisions: the model's name, "page", "faq", ..."""
        return self.model._meta.model_name

    def key(self, obj):
        return getattr(obj, self.key_field)

    @property
    def markdown_fields(self):
        """Fields written in Markdown (checked for pictures outside the library)."""
        return self.model.MARKDOWN_FIELDS

    @property
    def parent_slug(self):
        """The site page a row, FAQ or term belongs to ("" for a page)."""
        return getattr(self.model, "PARENT_SLUG", "")

    def public_slug(self, obj):
        """The slug of the page a patient reads this on (a translation: its English page's)."""
        return self.parent_slug or getattr(obj, "slug", None) or obj.of_key


# In sync order: terms first (pages link to them), pages last (a child's
# change must not undo the review status its page's file records).
CONTENT_TYPES = (
    ContentType(
        GlossaryTerm,
        "term",
        "slug",
        "glossary term",
        ("definition_html",),
        ("term",),
        relinks_everything=True,
    ),
    ContentType(ComparisonRow, "row", "feature", "comparison row", ("diagnostic_html", "interventional_html")),
    ContentType(
        FAQ,
        "faq",
        "anchor",
        "FAQ",
        ("answer_html",),
        ("faq",),
        linked_fields=("answer",),
    ),
    ContentType(
        Page,
        "page",
        "slug",
        "page",
        ("body_html", "toc"),
        tuple(choice for choice, _ in Page.Kind.choices),
        linked_fields=("body",),
    ),
    # Last: what it translates is stored before it (issue 23).
    ContentType(Translation, "translation", "key", "translation", ("main_html",), ("translation",)),
)

BY_RECORD = {content_type.record: content_type for content_type in CONTENT_TYPES}
BY_NAME = {content_type.name: content_type for content_type in CONTENT_TYPES}
BY_MODEL = {content_type.model: content_type for content_type in CONTENT_TYPES}


def of(obj_or_model):
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return BY_MODEL[model]
