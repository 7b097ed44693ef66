"""Search across every page, FAQ and glossary term, in patients' own words.

``SearchEntry`` holds each as plain text (one line per heading, paragraph or
list item), kept current by guide/publishing.py
(which entries a content type has: guide/content_types.py). A search, in order:

1. **Synonyms** (``guide.synonyms``): a phrase editors listed ("cat scan",
   "parking") puts the page it means first.
2. **Typos**: a word that matches nothing in the index is swapped for the
   closest word the index does hold: by trigram similarity (``pg_trgm``) on
   PostgreSQL, by ``difflib`` against the index's vocabulary on SQLite. The
   results page says so ("Showing results for ...") and offers the words as
   typed.
3. **Full-text search** on the database's own engine: PostgreSQL's (English
   stemming, title weighted above text) or SQLite's FTS5 (Porter stemming,
   BM25 with the title weighted). Whole pages outrank FAQs, and FAQs outrank
   one-line glossary entries, for the same words.
4. **Snippets** are cut here, not by the database, from whole sentences (never
   across a heading), and the matching words marked with private sentinels
   that become ``<mark>`` only after the text has been escaped.
"""

import difflib
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.utils.html import escape
from django.utils.safestring import mark_safe

from radiology_guide.core.cache import content_version
from radiology_guide.guide import elsewhere, synonyms
from radiology_guide.guide.models import SearchEntry, Synonym
from radiology_guide.guide.words import stem

START, STOP = "\x02", "\x03"
WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 12
TITLE_WEIGHT = 20.0
# A whole page answers a question better than a one-line glossary entry that
# happens to be short and dense with the word.
KIND_WEIGHT = {"section": 1.0, "scan": 1.2, "procedure": 1.2, "easy_read": 0.8, "page": 0.6, "faq": 0.9, "term": 0.1}
STOP_WORDS = set(
    "a an and are as at be by can do does for from have how i if in is it my of on or should the to what when "
    "where which who why will with you your".split()
)
# Closing tags that end a line of text: a snippet never runs a heading into
# the sentence after it.
SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z0-9“‘\"'(])")
SNIPPET_WORDS = 30
# How alike a misspelt word and a word in the index must be to swap them.
TRIGRAM_SIMILARITY = 0.45  # pg_trgm similarity(): "varicose" is not "varices" (0.42)
DIFFLIB_RATIO = 0.85  # difflib's ratio, higher than trigrams for the same pair: "varices" scores 0.8


@dataclass
class Result:
    title: str
    url: str
    kind: str
    snippet: str  # safe HTML with <mark> around matching words


@dataclass
class Outcome:
    results: list[Result] = field(default_factory=list)
    corrected: str = ""  # the words searched for, when some were corrected; else ""
    # For a test another team does (an endoscopy): the radiology pages to offer instead.
    other_team: list = field(default_factory=list)


def search(query: str, limit: int = 20) -> list[Result]:
    return search_with_corrections(query, limit).results


def search_with_corrections(query: str, limit: int = 20, correct: bool = True, language=None) -> Outcome:
    """Results for what a reader typed; misspelt words are corrected unless
    ``correct`` is off. ``language``: the reader's (English unless given): pages
    written in it, and the English of those not translated into it; the
    corrections and patients' words (synonyms) are English only."""
    language = language or settings.LANGUAGE_CODE
    if language != settings.LANGUAGE_CODE:
        return _search_in(language, _words(query), limit)
    words = _words(query)
    if not words:
        return Outcome()
    pairs = list(Synonym.objects.values_list("phrase", "url"))
    covered = {word for phrase, _ in synonyms.phrases_in(query, pairs, STOP_WORDS) for word in phrase.split()}
    # "gastroscopy" is spelt right, though no page holds it.
    covered |= elsewhere.WORDS
    phrase_words = {word for phrase, _ in pairs for word in phrase.split() if len(word) >= 4 and word.isalpha()}
    corrections = _corrections([w for w in words if w not in covered], phrase_words) if correct else {}
    corrected = query
    for typed, meant in corrections.items():
        corrected = re.sub(rf"\b{re.escape(typed)}\b", meant, corrected, flags=re.I)
    # Synonyms again on the corrected words: "clostrophobic" is "claustrophobic".
    pinned = synonyms.phrases_in(corrected, pairs, STOP_WORDS)
    words = [corrections.get(word, word) for word in words]
    if connection.vendor == "postgresql":
        rows = _search_postgres(words, limit)
    else:
        rows = _search_sqlite(words, limit)
    rows = _pinned_first([url for _, url in pinned], _titles_first(words, rows))[:limit]
    marked = words + [word for phrase, _ in pinned for word in phrase.split()]
    results = [Result(title, url, kind, _snippet(text, marked)) for title, url, kind, text in rows]
    return Outcome(results, corrected if corrections else "", elsewhere.endoscopy_alternatives(query))


def _search_in(language, words, limit) -> Outcome:
    if not words:
        return Outcome()
    if connection.vendor == "postgresql":
        rows = _search_postgres(words, limit, language)
    else:
        rows = _search_sqlite(words, limit, language)
    rows = _titles_first(words, rows)[:limit]
    prefix = f"/{language}"
    return Outcome(
        [
            Result(title, url if url.startswith(f"{prefix}/") else prefix + url, kind, _snippet(text, words))
            for title, url, kind, text in rows
        ]
    )


def _in_language(language):
    """(SQL, parameters) limiting entries to ``language``'s and the English of what it lacks."""
    if language in (None, settings.LANGUAGE_CODE):
        return "e.language = %s", [settings.LANGUAGE_CODE]
    return (
        "(e.language = %s OR (e.language = %s AND NOT EXISTS (SELECT 1 FROM guide_searchentry t "
        "WHERE t.language = %s AND t.kind = e.kind AND t.key = e.key)))"
    ), [language, settings.LANGUAGE_CODE, language]


def _titles_first(words, rows):
    """Entries whose title holds all the reader's words come first: a page
    whose title is just those words ("what is diagnostic radiology"), then
    other pages and FAQs ("children" is the FAQ "Can children have ...?").
    Glossary entries go last: a page explains more."""
    wanted = {stem(word) for word in words}

    def tier(row):
        title, _, kind, _ = row
        title_words = {stem(w.lower()) for w in WORD.findall(title) if w.lower() not in STOP_WORDS}
        if kind == "term" or not wanted <= title_words:
            return 3
        if kind == "faq":
            return 2
        return 0 if title_words == wanted else 1

    # Stable: the database's ranking is kept within each tier, and glossary
    # entries come after every page and FAQ that matched. Within a tier, for
    # two words, an entry with them close together comes first: "scan of my
    # heart" is about a heart scan, not a bowel test whose risks mention the
    # heart and whose page mentions a scan. (With three or more words, the
    # engines' ranking of entries that hold more of them does better: all
    # three close together put the radiation page above TACE for "liver
    # cancer treatment".)
    return sorted(rows, key=lambda row: (tier(row), row[2] == "term", not _close_together(words, row)))


PROXIMITY = 6  # words apart, on one line (a heading, paragraph or list item)


def _close_together(words, row):
    if len(words) != 2:
        return True
    title, _, _, text = row
    for line in (title, *text.splitlines()):
        tokens = WORD.findall(line)
        places = [[i for i, token in enumerate(tokens) if _matches(token, [word])] for word in words]
        if all(places) and _window(places) <= PROXIMITY:
            return True
    return False


def _window(places):
    """The fewest words that hold one place of each word (places are short lists)."""
    best = None
    for anchor in places[0]:
        span = [min(places[k], key=lambda i: abs(i - anchor)) for k in range(1, len(places))]
        width = max(span + [anchor]) - min(span + [anchor])
        best = width if best is None else min(best, width)
    return best


def _words(query):
    words = [word.lower() for word in WORD.findall(query)]
    words = [word for word in words if word not in STOP_WORDS][:MAX_WORDS] or words[:MAX_WORDS]
    return list(dict.fromkeys(words))


def _pinned_first(urls, rows):
    if not urls:
        return rows
    entries = {e.url: (e.title, e.url, e.kind, e.text) for e in SearchEntry.objects.filter(url__in=urls)}
    if "/enquire/" in urls and "/enquire/" not in entries:
        entries["/enquire/"] = ("Send us an enquiry", "/enquire/", "page", "Ask us a question and we will reply.")
    first = [entries[url] for url in dict.fromkeys(urls) if url in entries]
    seen = {row[1] for row in first}
    return first + [row for row in rows if row[1] not in seen]


# -- typos ---------------------------------------------------------------------


def _corrections(words, phrase_words) -> dict[str, str]:
    """word -> the closest word in the index, for each word that matches nothing."""
    candidates = [word for word in words if len(word) >= 4 and not word.isdigit()]
    if not candidates:
        return {}
    unmatched = _unmatched(candidates)
    if not unmatched:
        return {}
    if connection.vendor == "postgresql":
        found = _closest_postgres(unmatched)
    else:
        vocabulary = _vocabulary() + sorted(phrase_words)
        found = {}
        for word in unmatched:
            close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=DIFFLIB_RATIO)
            if close:
                found[word] = close[0]
    return {typed: meant for typed, meant in found.items() if meant and meant != typed}


#: PostgreSQL's text-search configuration for each language: its own
#: stemming where PostgreSQL has one, "simple" (no stemming) where not.
TEXT_SEARCH_CONFIGS = {"en-gb": "english", "ro": "romanian", "pl": "simple", "ur": "simple"}


def _document(config="english"):
    """The stored vector's expression (PostgreSQL): title weighted A, text B."""
    from django.contrib.postgres.search import SearchVector

    return SearchVector("title", weight="A", config=config) + SearchVector("text", weight="B", config=config)


def store_documents():
    """Store the full-text vector of every entry that has none yet (new
    entries, after publishing or a sync), in its language's configuration.
    PostgreSQL only; one UPDATE a language."""
    if connection.vendor == "postgresql":
        for language, _name in settings.LANGUAGES:
            config = TEXT_SEARCH_CONFIGS.get(language, "simple")
            SearchEntry.objects.filter(document__isnull=True, language=language).update(document=_document(config))


def _unmatched(words):
    """The words that match no entry at all (with stemming, so 'scans' matches)."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery
        from django.db.models import Count, Q

        counts = SearchEntry.objects.aggregate(
            **{
                f"w{i}": Count("id", filter=Q(document=SearchQuery(word, config="english", search_type="plain")))
                for i, word in enumerate(words)
            }
        )
        return [word for i, word in enumerate(words) if not counts[f"w{i}"]]
    unmatched = []
    with connection.cursor() as cursor:
        for word in words:
            cursor.execute(
                "SELECT 1 FROM guide_searchentry_fts WHERE guide_searchentry_fts MATCH %s LIMIT 1",
                ['"' + word.replace('"', "") + '"'],
            )
            if cursor.fetchone() is None:
                unmatched.append(word)
    return unmatched


_vocabularies: dict[str, list[str]] = {}


def _vocabulary() -> list[str]:
    """Every word of four letters or more in the index, made once per content
    version (a few thousand words; about 30 ms to build)."""
    version = content_version()
    if version not in _vocabularies:
        words = set()
        for title, text in SearchEntry.objects.values_list("title", "text"):
            words.update(word.lower() for word in WORD.findall(f"{title} {text}") if len(word) >= 4)
        _vocabularies.clear()
        _vocabularies[version] = sorted(word for word in words if word.isalpha())
    return _vocabularies[version]


def _closest_postgres(words):
    # ts_stat lists the index's own words; pg_trgm's similarity() finds the
    # closest to each misspelt word (ties go to the more common word).
    sql = f"""
        WITH vocabulary AS MATERIALIZED (
            SELECT word, ndoc FROM ts_stat(
                'SELECT to_tsvector(''simple'', title || '' '' || text) FROM guide_searchentry'
            ) WHERE length(word) >= 4 AND word ~ '^[a-z]+$'
            UNION ALL
            SELECT DISTINCT regexp_split_to_table(phrase, ' '), 1 FROM guide_synonym
        )
        SELECT typed, (
            SELECT word FROM vocabulary
            WHERE similarity(word, typed) >= {TRIGRAM_SIMILARITY}
            ORDER BY similarity(word, typed) DESC, ndoc DESC, word
            LIMIT 1
        )
        FROM unnest(%s::text[]) AS typed
    """  # noqa: S608 - only a constant is formatted in
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(words)])
        return dict(cursor.fetchall())


# -- full-text search ------------------------------------------------------------


def _search_sqlite(words, limit, language=None):
    """English in the English index (Porter stemming); another language in
    the other languages' index, then the English of pages not translated
    into it (migration 0017 keeps the two)."""
    if language in (None, settings.LANGUAGE_CODE):
        return _fts("guide_searchentry_fts", words, limit, "1 = 1", [])
    untranslated = "NOT EXISTS (SELECT 1 FROM guide_searchentry t WHERE t.language = %s AND t.key = e.key)"
    rows = _fts("guide_searchentry_fts_other", words, limit, "e.language = %s", [language])
    return rows + _fts("guide_searchentry_fts", words, limit - len(rows), untranslated, [language])


def _fts(table, words, limit, where, params):
    # Each word quoted, so FTS5 operators typed by a reader mean nothing; OR so
    # that a question with extra words still finds the page; BM25 ranks pages
    # that match more (and rarer) words, in the title most of all, first.
    match = " OR ".join('"' + word.replace('"', "") + '"' for word in words)
    sql = f"""
        SELECT e.title, e.url, e.kind, e.text
        FROM {table}
        JOIN guide_searchentry e ON e.id = {table}.rowid
        WHERE {table} MATCH %s AND {where}
        ORDER BY bm25({table}, {TITLE_WEIGHT}, 1.0) * {_kind_weight_sql()}
        LIMIT %s
    """  # noqa: S608 - only constants are formatted in; the query and language are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, *params, max(limit, 0)])
        return cursor.fetchall()


def _kind_weight_sql():
    cases = " ".join(f"WHEN '{kind}' THEN {weight}" for kind, weight in KIND_WEIGHT.items())
    return f"(CASE e.kind {cases} ELSE 1.0 END)"


def _search_postgres(words, limit, language=None):
    from django.contrib.postgres.search import SearchQuery, SearchRank
    from django.db.models import Case, F, FloatField, IntegerField, Value, When

    configs = dict.fromkeys(["english", TEXT_SEARCH_CONFIGS.get(language, "simple")])
    terms = [SearchQuery(word, config=config, search_type="plain") for word in words for config in configs]
    query = terms[0]
    for term in terms[1:]:
        query |= term
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
    where, params = _in_language(language)
    rows = (
        SearchEntry.objects.alias()
        .extra(where=[where.replace("e.", "guide_searchentry.")], params=params)  # noqa: S610 - constants only
        .filter(document=query)
        .annotate(
            matched=matched,
            # Weights for D, C, B (text) and A (title); normalisation 1 divides by
            # the log of the length, so long pages do not win by sheer size.
            rank=SearchRank(F("document"), query, weights=[0.05, 0.1, 0.2, 1.0], normalization=Value(1)) * kind_weight,
        )
        .order_by("-matched", "-rank", "title")
        .values_list("title", "url", "kind", "text")[:limit]
    )
    return list(rows)


# -- snippets --------------------------------------------------------------------


def _matches(token, words):
    token = token.lower()
    for word in words:
        if len(word) <= 3:
            if token in (word, word + "s"):
                return True
        elif token.startswith(word[: max(4, len(word) - 2)]) and len(token) <= len(word) + 4:
            return True
    return False


def _snippet(text, words):
    """Whole sentences around the best match, never across a heading or paragraph."""
    sentences = []  # (line number, sentence)
    for number, line in enumerate(text.splitlines()):
        sentences += [(number, sentence) for sentence in SENTENCE_END.split(line) if sentence.strip()]
    if not sentences:
        return mark_safe("")  # noqa: S308 - empty

    def score(item):
        tokens = WORD.findall(item[1])
        hits = {t.lower() for t in tokens if _matches(t, words)}
        # A heading alone says little: prefer a sentence that ends like one.
        return (len(hits), item[1].rstrip()[-1:] in ".!", -len(tokens))

    best = max(range(len(sentences)), key=lambda i: score(sentences[i]))
    if not score(sentences[best])[0]:
        best = 0
    line, chosen = sentences[best]
    parts = [chosen]
    for following_line, following in sentences[best + 1 :]:
        if following_line != line or len(" ".join(parts).split()) >= SNIPPET_WORDS * 2 // 3:
            break
        parts.append(following)
    snippet = " ".join(parts)
    tokens = snippet.split()
    if len(tokens) > SNIPPET_WORDS + 10:
        first_hit = next((i for i, t in enumerate(tokens) if any(_matches(w, words) for w in WORD.findall(t))), 0)
        begin = max(0, first_hit - 8)
        snippet = ("… " if begin else "") + " ".join(tokens[begin : begin + SNIPPET_WORDS]) + " …"
    marked = WORD.sub(lambda m: f"{START}{m.group()}{STOP}" if _matches(m.group(), words) else m.group(), snippet)
    return _highlight(marked)


def _highlight(snippet):
    return mark_safe(escape(snippet).replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308 - escaped first
