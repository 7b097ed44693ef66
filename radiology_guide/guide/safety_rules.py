"""Rules that keep a known kind of unsafe wording from coming back (issue 20).

A clinical reviewer found each of these on a real page; each rule is a small
function that refuses that class of mistake wherever it is written. They run
in ``sync_content --check`` (guide/content_files.py, via guide/safety.py) and
in admin (the models' ``clean``), so a page can be stored neither way.

Each function takes plain values and returns problems; where a problem is in
a text, it carries the offending words so a caller can point at the line.
"""

import re
from urllib.parse import parse_qs, urlsplit

# --- Sedation: one rule everywhere -----------------------------------------
# The shared block (templates/includes/sedation_aftercare.html) says: an adult
# stays with you for 24 hours, including overnight. A page may not say less.
SEDATION = re.compile(r"\bsedat\w*|\bsedative", re.IGNORECASE)
_NOT_OVERNIGHT = re.compile(
    r"\b(?:do(?:es)?n[o']?t|do(?:es)? not|no need to|not)\s+(?:have|need)\s+to\s+stay\s+(?:the night|overnight)"
    r"|\bnot\s+(?:to\s+)?stay(?:ing)?\s+(?:the night|overnight)",
    re.IGNORECASE,
)
_HOURS = re.compile(r"\bfor\s+(?:at least\s+|about\s+|up to\s+|only\s+)?(\d+)\s+hours\b", re.IGNORECASE)
_AFTERCARE_WORDS = re.compile(r"\b(adult|drive|driving|alcohol|stay with you|machines?)\b", re.IGNORECASE)
_AWAKE = re.compile(r"\b(?:you are|you're|you stay|you remain)\s+(?:still\s+)?awake\b", re.IGNORECASE)

SEDATION_RULE = "an adult stays with you for 24 hours after sedation, including overnight"


def sedation_contradictions(text):
    """Where ``text`` contradicts the shared sedation rule, as (line number in
    ``text``, message). A line (a paragraph in Markdown) that mentions
    sedation may not say the adult can leave overnight, give another number
    of hours for the aftercare, or promise that you stay awake (deep
    sedation is sleep)."""
    problems = []
    for number, line in enumerate(str(text or "").splitlines(), start=1):
        if not SEDATION.search(line):
            continue
        if match := _NOT_OVERNIGHT.search(line):
            problems.append((number, f"'{match.group(0)}' contradicts the sedation rule: {SEDATION_RULE}"))
        if _AFTERCARE_WORDS.search(line):
            for match in _HOURS.finditer(line):
                if match.group(1) != "24":
                    problems.append((number, f"'{match.group(0)}' contradicts the sedation rule: {SEDATION_RULE}"))
        if match := _AWAKE.search(line):
            problems.append(
                (number, f"'{match.group(0)}' is wrong for deep sedation: say you may feel sleepy or fall asleep")
            )
    return problems


# --- Contrast dye: ask about reactions and kidneys ---------------------------
# "In contrast" is plain English, not the dye.
CONTRAST = re.compile(r"(?<!in )\bcontrast\b|\bdyes?\b|\bgadolinium\b", re.IGNORECASE)
_REACTION = re.compile(r"\b(reactions?|allerg\w*)\b", re.IGNORECASE)
_KIDNEY = re.compile(r"\bkidneys?\b", re.IGNORECASE)


def uses_contrast(fields) -> bool:
    preparation = fields.get("preparation") or {}
    words = [fields.get("body", ""), *(str(v) for v in preparation.values() if isinstance(preparation, dict))]
    return bool(CONTRAST.search(" ".join(str(w) for w in words)))


def contrast_preparation_problems(fields):
    """A page that uses contrast dye asks, in its preparation, about a previous
    reaction to dye and about kidney problems (the dye can harm weak kidneys)."""
    if not uses_contrast(fields):
        return []
    preparation = fields.get("preparation") or {}
    text = " ".join(str(v) for v in preparation.values()) if isinstance(preparation, dict) else ""
    missing = [what for what, pattern in (("a previous reaction to dye", _REACTION), ("kidney problems", _KIDNEY))
               if not pattern.search(text)]  # fmt: skip
    if not missing:
        return []
    return [(("preparation",), f"this page uses contrast dye: its preparation must ask about {' and '.join(missing)}")]


# --- Feeding tubes and drains: a leak means stop ------------------------------
TUBE_PAGE = re.compile(r"\b(feeding tube|gastrostomy|nephrostomy|drains?|drainage)\b", re.IGNORECASE)
_LEAK = re.compile(r"\bleak\w*\b(?!\s+pus)", re.IGNORECASE)
_FEED_PAIN = re.compile(r"\b(hurts?|pain\w*)\b[^.]*\bfeed|\bfeed\w*[^.]*\b(hurts?|pain\w*)\b", re.IGNORECASE)
STOP = re.compile(
    r"\bstop\b[^.]*\b(feeds?|feeding|flush\w*|using)\b|\bdo not (?:flush|use)\b|\bdo not put anything\b", re.IGNORECASE
)


def leak_without_stop(fields):
    """On a feeding-tube or drain page, a warning sign about a leak (or pain
    when a feed goes in) says to stop the feed or the flushing straight away,
    and is never left for the next appointment (the NPSA's 2010 alert on
    gastrostomy reports deaths from feeding on into a leak)."""
    title = f"{fields.get('title', '')} {fields.get('summary', '')} {fields.get('slug', '')}"
    signs = fields.get("warning_signs")
    if not TUBE_PAGE.search(title) or not isinstance(signs, dict):
        return []
    problems = []
    for tier, items in signs.items():
        for index, item in enumerate(items if isinstance(items, list) else []):
            text = str(item)
            if not (_LEAK.search(text) or _FEED_PAIN.search(text)):
                continue
            if tier == "next_visit":
                problems.append((("warning_signs", tier, index), "a leak or pain with feeds is never for the next "
                                 "appointment: list it under call_999 or call_111_or_unit, and stop"))  # fmt: skip
            elif not STOP.search(text):
                problems.append((("warning_signs", tier, index), "where a leak (or pain with a feed) is listed, "
                                 "say to stop the feed and medicines, or stop flushing, straight away"))  # fmt: skip
    return problems


# --- A new symptom is never "tell us at your next appointment" ---------------
NEW_SYMPTOM = re.compile(r"\b(lumps?|bleed\w*|blood|pain\w*|breathless\w*|short of breath|chest pain)\b", re.IGNORECASE)
# Something already known that lingers is routine ("a bruise is still there").
_LINGERING = re.compile(r"\b(still|lasts?|no better|not healed|not getting better|stays)\b", re.IGNORECASE)
_NEW = re.compile(r"\b(new|comes? back|returns?|appears?|grows?)\b", re.IGNORECASE)


def new_symptoms_in_next_visit(fields):
    """A new lump, bleeding, pain or breathlessness needs a doctor within
    days; the next appointment may be months (screening: 3 years) away."""
    signs = fields.get("warning_signs")
    items = signs.get("next_visit") if isinstance(signs, dict) else None
    problems = []
    for index, item in enumerate(items if isinstance(items, list) else []):
        text = str(item)
        if (match := NEW_SYMPTOM.search(text)) and (_NEW.search(text) or not _LINGERING.search(text)):
            problems.append((("warning_signs", "next_visit", index),
                             f"a new symptom ('{match.group(0)}') is not for the next appointment: put it under "
                             "call_111_or_unit (or say 'see your GP within a few days' there)"))  # fmt: skip
    return problems


# --- Sources of figures ------------------------------------------------------
_SEARCH_KEYS = {"q", "query", "term", "search", "s", "searchterm", "keywords"}


def search_page_problem(url):
    """Why ``url`` is a search-results page rather than the article, or None."""
    parts = urlsplit(str(url))
    path = parts.path.lower()
    if re.search(r"/(search|results)\b", path) or _SEARCH_KEYS & {k.lower() for k in parse_qs(parts.query)}:
        return "is a search-results page: link the article or guideline itself"
    return None


# Sources a reviewer refused for a risk figure: a maker selling the device, a
# commercial health site, a private clinic, a conference poster.
WEAK_FIGURE_SOURCES = {
    "sirtex.com": "the maker of the device",
    "spine-health.com": "a commercial health website",
    "ausrad.com": "a private clinic",
    "thieme-connect.de": "a conference poster",
}


def weak_figure_source_problem(url):
    host = (urlsplit(str(url)).hostname or "").lower()
    for weak, what in WEAK_FIGURE_SOURCES.items():
        if host == weak or host.endswith("." + weak):
            return (f"is {what}: a risk figure needs CIRSE, BSIR, NICE, RCR, FPM, an NHS leaflet "
                    "or a peer-reviewed paper")  # fmt: skip
    return None


# --- Glossary: a term links only in its own sense -----------------------------
def _head(phrase):
    """The word a phrase is about: its last word, or the word before 'of'
    ("radiofrequency ablation" is a kind of ablation; "Fellow of the Royal
    College of Radiologists" is a fellow)."""
    words = phrase.lower().split(" of ")[0].split()
    return words[-1] if words else ""


def _same_family(one, two):
    # "radiology" and "radiologist", "biopsy" and "biopsies": all but the ending shared.
    shared = next((i for i, (a, b) in enumerate(zip(one, two, strict=False)) if a != b), min(len(one), len(two)))
    return shared >= min(len(one), len(two)) - 2


def glossary_alias_problems(terms):
    """``terms``: (slug, term, [aliases]) for every entry. An alias may not be
    another entry's word, and may not name a kind of another entry's thing
    ("radiofrequency ablation" under *denervation* opened the wrong
    definition on the tumour and vein pages). Returns (slug, message)."""
    owner = {}
    for slug, term, _ in terms:
        owner.setdefault(term.lower(), slug)
    for slug, _, aliases in terms:
        for alias in aliases:
            owner.setdefault(alias.lower(), slug)
    problems = []
    for slug, term, aliases in terms:
        own_head = _head(term)
        for alias in aliases:
            other = owner.get(alias.lower())
            if other != slug:
                problems.append((slug, f"the alias '{alias}' is already a word of the entry '{other}'"))
                continue
            head = _head(alias)
            head_owner = owner.get(head)
            if head_owner not in (None, slug) and not _same_family(head, own_head):
                problems.append((slug, f"the alias '{alias}' is a kind of '{head}', which the entry '{head_owner}' "
                                 "explains: give it its own entry, or link it there"))  # fmt: skip
    return problems


def glossary_choice_problems(senses, skip, words):
    """A page's ``glossary_senses`` ({word: entry slug}) and ``glossary_skip``
    ([word]) name words the glossary links and entries it has. ``words``:
    {lowercase word: slug}. Returns (keys, message)."""
    problems = []
    if not isinstance(senses, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in senses.items()):
        return [(("glossary_senses",), "glossary_senses is a set of 'word: entry-slug' lines")]
    if not isinstance(skip, list) or not all(isinstance(word, str) for word in skip):
        return [(("glossary_skip",), "glossary_skip is a list of words")]
    slugs = set(words.values())
    for word, slug in senses.items():
        if word.lower() not in words:
            problems.append((("glossary_senses", word), f"'{word}' is not a word the glossary links"))
        if slug not in slugs:
            problems.append((("glossary_senses", word), f"there is no glossary entry '{slug}'"))
    for word in skip:
        if word.lower() not in words:
            problems.append((("glossary_skip",), f"'{word}' is not a word the glossary links"))
    return problems


# --- Preparation timing: real times, and medicines only on the team's word ----
MEDICINE = re.compile(
    r"\b(medicines?|medication|tablets?|pills?|metformin|insulin|blood thinners?|warfarin|apixaban|rivaroxaban|"
    r"edoxaban|dabigatran|clopidogrel|aspirin|iron|injections?)\b",
    re.IGNORECASE,
)
_STOP_TAKING = re.compile(r"\b(stop\w*|paus\w*|hold\w*|miss\w*|skip\w*|not take|no more)\b", re.IGNORECASE)
TEAMS_WORD = "only if your team tells you"
MAX_STEPS = 12


def preparation_timing_problems(steps):
    """A page's ``preparation_timing`` (guide/timing.py has the format): each
    step a known time and one plain sentence or two. A step that stops or
    pauses a medicine says it happens "only if your team tells you": a plan
    laid out on real days reads as an order, and stopping a blood thinner or
    insulin on a web page's word can harm. Returns (keys, message)."""
    from radiology_guide.guide.timing import BadWhen, parse_when

    if steps in (None, [], ""):
        return []
    if not isinstance(steps, list):
        return [(("preparation_timing",), "preparation_timing is a list of steps, each a 'when' and a 'what'")]
    problems = []
    if len(steps) > MAX_STEPS:
        problems.append((("preparation_timing",), f"preparation_timing has at most {MAX_STEPS} steps"))
    for index, step in enumerate(steps):
        keys = ("preparation_timing", index)
        if not isinstance(step, dict) or set(step) != {"when", "what"}:
            problems.append((keys, "each step has exactly a 'when' and a 'what'"))
            continue
        try:
            parse_when(step["when"])
        except BadWhen as error:
            problems.append(((*keys, "when"), str(error)))
        what = step["what"] if isinstance(step["what"], str) else ""
        if not what.strip() or "\n\n" in what.strip() or what.lstrip().startswith(("#", "- ", "* ")):
            problems.append(((*keys, "what"), "each step's 'what' must be one or two plain sentences"))
        elif MEDICINE.search(what) and _STOP_TAKING.search(what) and TEAMS_WORD not in what.lower():
            problems.append(((*keys, "what"), f"a step that stops or pauses a medicine says it is '{TEAMS_WORD}' "
                             "(for example 'Pause them only if your team tells you to')"))  # fmt: skip
    return problems
