"""The rules for what a patient acts on: source links, and the structured
safety content of scan and procedure pages (preparation, warning signs,
risks, dose).

One set of rules, used by the content loader (which turns a problem into
"file:line: message") and by the Page model and admin (which turn it into a
form error), so that a page can never be stored one way and refused the
other. Format for writers: content/README.md.
"""

import re
from urllib.parse import urlsplit

from radiology_guide.guide import safety_rules

WEB_SCHEMES = ("https", "http")

BANDS = ("very low", "low", "medium", "high")
# A range is written "<lower> to <higher>"; SIRT's radiation is the treatment itself.
DOSE_BANDS = (
    "none",
    *BANDS,
    *(f"{low} to {high}" for i, low in enumerate(BANDS) for high in BANDS[i + 1 :]),
    "treatment",
)

PREPARATION_REQUIRED = ("eating_and_drinking", "medicines", "what_to_bring")
PREPARATION_FIELDS = (*PREPARATION_REQUIRED, "other")
WARNING_TIERS = ("call_999", "call_111_or_unit", "next_visit")

# Where no figure has been found, say so and send people to their own team's.
NO_FIGURE = "We have not found a reliable figure. Ask your team for theirs."
# The old wording claimed nothing is published when figures were (issue 20): refused.
OLD_NO_FIGURE = re.compile(r"no reliable figure", re.IGNORECASE)
_NUMBER = r"[1-9]\d{0,2}(?:,\d{3})*"
HOW_OFTEN_PATTERNS = (
    rf"(?:about|fewer than) 1 in {_NUMBER}",
    rf"about 1 in {_NUMBER} to 1 in {_NUMBER}",
    rf"(?:about|fewer than) {_NUMBER} in 100",
    rf"about {_NUMBER} to {_NUMBER} in 100",
    re.escape(NO_FIGURE),
)
HOW_OFTEN = re.compile("|".join(f"(?:{pattern})" for pattern in HOW_OFTEN_PATTERNS))
HOW_OFTEN_HELP = (
    "'about 1 in N', 'fewer than 1 in N', 'about 1 in N to 1 in M', 'about N in 100', "
    "'fewer than N in 100', 'about N to M in 100' or exactly '" + NO_FIGURE + "'"
)

# Body headings: the page shows these from the front matter instead.
STRUCTURED_HEADINGS = ("How do I prepare?", "What are the risks?")
# The body sections the structured blocks are placed around (guide/layout.py).
REQUIRED_HEADINGS = ("What is it and why is it done?", "What happens on the day?", "Recovery and going home")

# A scan that mentions any of these involves an injection or sedation, so it
# must say when to call 999 (a false alarm only adds a 999 sign).
NEEDS_999 = re.compile(
    r"\b(inject\w*|contrast|tracer|dye|hyoscine|buscopan|muscle relax\w*|sedat\w*|cannula)\b", re.IGNORECASE
)


def link_problem(url, schemes=WEB_SCHEMES):
    """Why ``url`` cannot be a source link, or None if it can."""
    if not isinstance(url, str) or not url.strip():
        return "must be a web address"
    if url != url.strip() or any(ord(c) < 33 for c in url):
        return "must not contain spaces or control characters"
    parts = urlsplit(url)
    if parts.scheme.lower() not in schemes:
        return f"must start with {' or '.join(s + '://' for s in schemes)}"
    if not parts.hostname:
        return "has no website name"
    if parts.path in ("", "/") and not parts.query:
        return "is a home page: link the specific page or document that backs the facts"
    return safety_rules.search_page_problem(url)


def is_web_link(url) -> bool:
    """May this be rendered as a link? Only http(s) addresses: never javascript:, data: or the like."""
    if not isinstance(url, str) or url != url.strip() or any(ord(c) < 33 for c in url):
        return False
    parts = urlsplit(url)
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def source_problems(source, keys, schemes=WEB_SCHEMES):
    """Problems with one {"name", "url"} pair, as (keys, message)."""
    if not isinstance(source, dict) or set(source) != {"name", "url"}:
        return [(keys, "a source is a 'name' and a 'url'")]
    problems = []
    if not isinstance(source["name"], str) or not source["name"].strip():
        problems.append(((*keys, "name"), "the source's name must be some text"))
    if problem := link_problem(source["url"], schemes):
        problems.append(((*keys, "url"), f"the url {source['url']} {problem}"))
    return problems


def sources_problems(sources, schemes=WEB_SCHEMES):
    if not isinstance(sources, list):
        return [(("sources",), "sources must be a list of 'name' and 'url' pairs")]
    problems = []
    for index, source in enumerate(sources):
        problems += source_problems(source, ("sources", index), schemes)
    return problems


def _text_problem(value):
    if not isinstance(value, str) or not value.strip():
        return "must be some text"
    if "\n\n" in value.strip() or value.lstrip().startswith(("#", "- ", "* ")):
        return "must be plain sentences: no headings, lists or blank lines"
    return None


def _texts(value, keys, problems, *, min_items=0):
    if not isinstance(value, list):
        problems.append((keys, "must be a list of sentences"))
        return
    if len(value) < min_items:
        problems.append((keys, f"needs at least {min_items} item(s)"))
    for index, item in enumerate(value):
        if problem := _text_problem(item):
            problems.append(((*keys, index), f"each item {problem}"))


def needs_999(fields) -> bool:
    if fields.get("kind") == "procedure" or fields.get("sedation_aftercare"):
        return True
    preparation = fields.get("preparation") or {}
    words = [fields.get("body", ""), fields.get("sedation", ""), fields.get("dose", "")]
    words += [str(v) for v in preparation.values()] if isinstance(preparation, dict) else []
    return bool(NEEDS_999.search(" ".join(words)))


NEEDS_999_MESSAGE = "call_999 needs at least 1 sign on a procedure, or a scan with an injection or sedation"


def warning_sign_problems(signs, call_999_required, message=NEEDS_999_MESSAGE):
    """The three tiers of "When to get help", as (keys, message): each a list
    of plain sentences; the 111 and next-visit tiers never empty, the 999 tier
    not when ``call_999_required`` (``message`` says why)."""
    problems = []
    if not isinstance(signs, dict) or not signs:
        return [(("warning_signs",), f"warning_signs needs {', '.join(WARNING_TIERS)}")]
    for key in sorted(set(signs) - set(WARNING_TIERS)):
        problems.append((("warning_signs", key), f"unknown warning_signs tier '{key}'"))
    for key in WARNING_TIERS:
        if key not in signs:
            problems.append((("warning_signs",), f"warning_signs needs '{key}' (a list)"))
            continue
        minimum = 1 if key != "call_999" or call_999_required else 0
        _texts(signs[key], ("warning_signs", key), problems, min_items=minimum)
        if minimum and key == "call_999" and signs[key] == []:
            problems[-1] = (("warning_signs", key), message)
    return problems


def procedure_problems(fields, schemes=("https",)):
    """Problems with a scan or procedure page's structured fields, as
    (keys, message): keys locate the value ("risks", 2, "how_often")."""
    problems = []
    radiation = fields.get("ionising_radiation")
    band = fields.get("dose_band") or ""
    if not isinstance(radiation, bool):
        problems.append((("ionising_radiation",), "ionising_radiation must be true or false"))
    if band and band not in DOSE_BANDS:
        problems.append((("dose_band",), f"dose_band must be one of: {', '.join(DOSE_BANDS)}"))
    if radiation is True:
        if band in ("", "none"):
            problems.append((("dose_band",), "a page with ionising radiation needs a dose_band other than 'none'"))
        if problem := _text_problem(fields.get("dose")):
            problems.append((("dose",), f"dose (one sentence with the figure) {problem}"))
        if not fields.get("dose_source"):
            problems.append((("dose_source",), "dose_source (the specific page behind the dose) is required"))
        else:
            problems += source_problems(fields["dose_source"], ("dose_source",), schemes)
    elif radiation is False:
        if band not in ("", "none"):
            problems.append((("dose_band",), "without ionising radiation the dose_band is 'none'"))
        if fields.get("dose") or fields.get("dose_source"):
            problems.append((("dose",), "dose and dose_source are only for pages with ionising radiation"))

    if not isinstance(fields.get("sedation_aftercare"), bool):
        problems.append((("sedation_aftercare",), "sedation_aftercare must be true or false"))

    preparation = fields.get("preparation")
    if not isinstance(preparation, dict) or not preparation:
        problems.append((("preparation",), f"preparation needs {', '.join(PREPARATION_REQUIRED)}"))
    else:
        for key in sorted(set(preparation) - set(PREPARATION_FIELDS)):
            problems.append((("preparation", key), f"unknown preparation field '{key}'"))
        for key in PREPARATION_FIELDS:
            if key in preparation or key in PREPARATION_REQUIRED:
                if problem := _text_problem(preparation.get(key)):
                    problems.append((("preparation", key) if key in preparation else ("preparation",),
                                     f"preparation '{key}' {problem}"))  # fmt: skip

    problems += warning_sign_problems(fields.get("warning_signs"), needs_999(fields))

    risks = fields.get("risks")
    if not isinstance(risks, list) or not risks:
        problems.append((("risks",), "risks needs at least 1 item with what, how_often and source"))
    else:
        for index, risk in enumerate(risks):
            keys = ("risks", index)
            if not isinstance(risk, dict) or set(risk) != {"what", "how_often", "source"}:
                problems.append((keys, "each risk has exactly 'what', 'how_often' and 'source'"))
                continue
            if problem := _text_problem(risk["what"]):
                problems.append(((*keys, "what"), f"the risk's 'what' {problem}"))
            how_often = risk["how_often"].strip() if isinstance(risk["how_often"], str) else ""
            if OLD_NO_FIGURE.search(how_often):
                problems.append(((*keys, "how_often"), f"'{how_often}' is no longer allowed: find the published "
                                 f"figure, or write exactly '{NO_FIGURE}'"))  # fmt: skip
            elif not HOW_OFTEN.fullmatch(how_often):
                problems.append(((*keys, "how_often"), f"how_often must be {HOW_OFTEN_HELP}"))
            problems += source_problems(risk["source"], (*keys, "source"), schemes)
            url = (risk["source"] or {}).get("url") if isinstance(risk["source"], dict) else None
            if how_often != NO_FIGURE and (problem := safety_rules.weak_figure_source_problem(url)):
                problems.append(((*keys, "source", "url"), f"the url {url} {problem}"))
    return problems + rule_problems(fields)


def rule_problems(fields):
    """The issue-20 rules (guide/safety_rules.py) over a page's structured fields."""
    problems = safety_rules.contrast_preparation_problems(fields)
    problems += safety_rules.leak_without_stop(fields)
    problems += safety_rules.new_symptoms_in_next_visit(fields)
    problems += safety_rules.preparation_timing_problems(fields.get("preparation_timing"))
    for keys, text in _located_texts(fields):
        problems += [(keys, message) for _, message in safety_rules.sedation_contradictions(text)]
    return problems


def _located_texts(fields):
    for key in ("sedation", "usual_stay"):
        yield (key,), str(fields.get(key) or "")
    preparation = fields.get("preparation")
    for key, value in preparation.items() if isinstance(preparation, dict) else ():
        yield ("preparation", key), str(value)
    signs = fields.get("warning_signs")
    for tier, items in signs.items() if isinstance(signs, dict) else ():
        for index, item in enumerate(items if isinstance(items, list) else []):
            yield ("warning_signs", tier, index), str(item)
    steps = fields.get("preparation_timing")
    for index, step in enumerate(steps if isinstance(steps, list) else []):
        if isinstance(step, dict):
            yield ("preparation_timing", index, "what"), str(step.get("what", ""))


def body_problems(body):
    """Problems with a scan or procedure page's body headings, as (heading, message)."""
    headings = [line[3:].strip() for line in body.splitlines() if line.startswith("## ")]
    problems = []
    for heading in headings:
        if heading in STRUCTURED_HEADINGS:
            problems.append((heading, f"remove the '## {heading}' section: the page shows it from the front matter"))
    for heading in REQUIRED_HEADINGS:
        if heading not in headings:
            problems.append((None, f"the body needs a '## {heading}' section"))
    return problems


def structured_texts(fields):
    """Every sentence of structured text a patient reads, for the readability check."""
    texts = []
    if fields.get("dose"):
        texts.append(fields["dose"])
    preparation = fields.get("preparation") or {}
    texts += [preparation[key] for key in PREPARATION_FIELDS if preparation.get(key)]
    signs = fields.get("warning_signs") or {}
    for key in WARNING_TIERS:
        texts += signs.get(key) or []
    texts += [risk["what"] for risk in fields.get("risks") or [] if isinstance(risk, dict) and risk.get("what")]
    texts += [
        step["what"] for step in fields.get("preparation_timing") or [] if isinstance(step, dict) and step.get("what")
    ]
    return [str(text) for text in texts]
