"""Guide content and its records. One module a kind of thing, bottom up:
``base`` (what all content shares), ``children`` (comparison rows, FAQs,
glossary terms), ``page`` (pages and reviewer profiles), ``records``
(search index, drafts, revisions, synonyms), ``translation`` (a page or
entry in another language). Import from here."""

from radiology_guide.guide.models.base import (
    APPROVED,
    DRAFT,
    LINK_FIELDS,
    REVIEW_CYCLE_YEARS,
    SyncedContent,
    add_years,
    content_hash,
)
from radiology_guide.guide.models.children import FAQ, ChildContent, ComparisonRow, GlossaryTerm, glossary_linker
from radiology_guide.guide.models.page import Page, PageQuerySet, ReviewerProfile
from radiology_guide.guide.models.records import EXTRA_TARGETS, Draft, RenderState, Revision, SearchEntry, Synonym
from radiology_guide.guide.models.translation import TRANSLATED_LANGUAGES, Translation

__all__ = [
    "APPROVED",
    "DRAFT",
    "EXTRA_TARGETS",
    "FAQ",
    "LINK_FIELDS",
    "REVIEW_CYCLE_YEARS",
    "ChildContent",
    "ComparisonRow",
    "Draft",
    "GlossaryTerm",
    "Page",
    "PageQuerySet",
    "RenderState",
    "ReviewerProfile",
    "Revision",
    "SearchEntry",
    "Synonym",
    "TRANSLATED_LANGUAGES",
    "Translation",
    "SyncedContent",
    "add_years",
    "content_hash",
    "glossary_linker",
]
