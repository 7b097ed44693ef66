"""Search across every page, FAQ and glossary term.

``SearchEntry`` holds each as plain text, kept current when content is saved
or synced. Queries run on the database's own full-text search: PostgreSQL's
(websearch-style OR of the words, English stemming, title weighted above
text) or SQLite's FTS5 (Porter stemming, BM25 with the title weighted).
Highlights come back marked with private sentinels that are turned into
``<mark>`` only after the text has been escaped.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from radiology_guide.guide.models import FAQ, GlossaryTerm, Page, SearchEntry
from radiology_guide.guide.safety import structured_texts

START, STOP = "\x02", "\x03"
WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 12
TITLE_WEIGHT = 20.0
# A whole page answers a question better than a one-line glossary entry that
# happens to be short and dense with the word.
KIND_WEIGHT = {"section": 1.0, "scan": 1.2, "procedure": 1.2, "page": 0.6, "faq": 0.9, "term": 0.1}
STOP_WORDS = set(
    "a an and are as at be by can do does for from have how i if in is it my of on or should the to what when "
    "where which who why will with you your".split()
)


@dataclass
class Result:
    title: str
    url: str
    kind: str
    snippet: str  # safe HTML with <mark> around matching words


def plain_text(html):
    return " ".join(strip_tags(html).split())


def entries_for_page(page):
    if page.slug == "home":
        return []
    # A scan or procedure page's preparation, warning signs and risks are
    # what people search for ("bleeding after a biopsy"), so they count too.
    structured = " ".join(strip_tags(text) for text in structured_texts(page.file_fields()))
    return [
        SearchEntry(
            kind=page.kind,
            key=page.slug,
            title=page.title,
            text=f"{page.summary} {plain_text(page.body_html)} {structured}".strip(),
            url=page.get_absolute_url(),
        )
    ]


def entry_for_faq(faq):
    return SearchEntry(
        kind="faq", key=faq.anchor, title=faq.question, text=plain_text(faq.answer_html), url=faq.get_absolute_url()
    )


def entry_for_term(term):
    return SearchEntry(
        kind="term",
        key=term.slug,
        title=term.term,
        text=f"{term.aliases} {plain_text(term.definition_html)}",
        url=term.get_absolute_url(),
    )


def update_entry(obj):
    """Bring one object's entry up to date (after a save in admin)."""
    if isinstance(obj, Page):
        new = entries_for_page(obj)
    elif isinstance(obj, FAQ):
        new = [entry_for_faq(obj)]
    else:
        new = [entry_for_term(obj)]
    remove_entry(obj)
    SearchEntry.objects.bulk_create(new)


def remove_entry(obj):
    kind, key = _identity(obj)
    SearchEntry.objects.filter(kind__in=kind, key=key).delete()


def _identity(obj):
    if isinstance(obj, Page):
        return [choice for choice, _ in Page.Kind.choices], obj.slug
    if isinstance(obj, FAQ):
        return ["faq"], obj.anchor
    return ["term"], obj.slug


def rebuild_index():
    """Rebuild every entry (after a sync): a few hundred rows, one transaction."""
    SearchEntry.objects.all().delete()
    entries = [entry for page in Page.objects.all() for entry in entries_for_page(page)]
    entries += [entry_for_faq(faq) for faq in FAQ.objects.all()]
    entries += [entry_for_term(term) for term in GlossaryTerm.objects.all()]
    SearchEntry.objects.bulk_create(entries)


def search(query: str, limit: int = 20) -> list[Result]:
    words = [word.lower() for word in WORD.findall(query)]
    words = [word for word in words if word not in STOP_WORDS][:MAX_WORDS] or words[:MAX_WORDS]
    if not words:
        return []
    if connection.vendor == "postgresql":
        return _search_postgres(words, limit)
    return _search_sqlite(words, limit)


def _search_sqlite(words, limit):
    # Each word quoted, so FTS5 operators typed by a reader mean nothing; OR so
    # that a question with extra words still finds the page; BM25 ranks pages
    # that match more (and rarer) words, in the title most of all, first.
    match = " OR ".join('"' + word.replace('"', "") + '"' for word in words)
    sql = f"""
        SELECT e.title, e.url, e.kind,
               snippet(guide_searchentry_fts, 1, '{START}', '{STOP}', ' … ', 24)
        FROM guide_searchentry_fts
        JOIN guide_searchentry e ON e.id = guide_searchentry_fts.rowid
        WHERE guide_searchentry_fts MATCH %s
        ORDER BY bm25(guide_searchentry_fts, {TITLE_WEIGHT}, 1.0) * {_kind_weight_sql()}
        LIMIT %s
    """  # noqa: S608 - only constants are formatted in; the query is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, limit])
        rows = cursor.fetchall()
    return [Result(title, url, kind, _highlight(snippet)) for title, url, kind, snippet in rows]


def _kind_weight_sql():
    cases = " ".join(f"WHEN '{kind}' THEN {weight}" for kind, weight in KIND_WEIGHT.items())
    return f"(CASE e.kind {cases} ELSE 1.0 END)"


def _search_postgres(words, limit):
    from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
    from django.db.models import Case, F, FloatField, IntegerField, Value, When

    terms = [SearchQuery(word, config="english", search_type="plain") for word in words]
    query = terms[0]
    for term in terms[1:]:
        query |= term
    vector = SearchVector("title", weight="A", config="english") + SearchVector("text", weight="B", config="english")
    kind_weight = Case(
        *(When(kind=kind, then=Value(weight)) for kind, weight in KIND_WEIGHT.items()),
        default=Value(1.0),
        output_field=FloatField(),
    )
    # ts_rank has no notion of how rare a word is, so an entry that contains
    # more of the reader's words comes first, whatever its length.
    matched = sum(
        (Case(When(document=term, then=Value(1)), default=Value(0), output_field=IntegerField()) for term in terms),
        Value(0),
    )
    rows = (
        SearchEntry.objects.annotate(document=vector)
        .filter(document=query)
        .annotate(
            matched=matched,
            # Weights for D, C, B (text) and A (title); normalisation 1 divides by
            # the log of the length, so long pages do not win by sheer size.
            rank=SearchRank(F("document"), query, weights=[0.05, 0.1, 0.2, 1.0], normalization=Value(1)) * kind_weight,
            snippet=SearchHeadline(
                "text", query, config="english", start_sel=START, stop_sel=STOP, max_words=30, min_words=15
            ),
        )
        .order_by("-matched", "-rank", "title")[:limit]
    )
    return [Result(row.title, row.url, row.kind, _highlight(row.snippet)) for row in rows]


def _highlight(snippet):
    return mark_safe(escape(snippet).replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308 - escaped first
