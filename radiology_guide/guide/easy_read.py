"""Easy Read versions of scan and procedure pages (issue 24).

An Easy Read page is a page like any other (``Page.Kind.EASY_READ``: drafts,
approval, revisions, preview and export all apply), with its own rules:

* its slug is its standard page's slug with ``-easy-read`` after it, and it
  lives at ``/easy-read/<standard slug>/``;
* its body is ``##`` headings, each with "ideas": a line
  ``<!-- picture: phone -->`` naming a picture (guide/figures.py
  ``PICTURES``), then the idea in a few short sentences;
* no sentence is longer than ``MAX_WORDS`` words;
* its ``warning_signs`` are the same three tiers as on standard pages, with
  the same rules (guide/safety.py, guide/safety_rules.py), in simple words:
  a tier its standard page fills is never left empty.

Format for writers: content/README.md, "Easy Read".
"""

import re
from dataclasses import dataclass, field

from django.utils.safestring import mark_safe

from radiology_guide.guide import figures, safety, safety_rules

SUFFIX = "-easy-read"
#: Easy Read sentences are 5 to 12 words (CONTENT.md); a little room for a phone number or a list.
MAX_WORDS = 15
PICTURE = re.compile(r"^<!--\s*picture:\s*(.*?)\s*-->\s*$")
_SENTENCE_END = re.compile(r"(?<=[.?!:])\s+")
_WORD = re.compile(r"[\w’'-]+")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def slug_for(standard_slug: str) -> str:
    return f"{standard_slug}{SUFFIX}"


def standard_of(slug: str) -> str:
    """The slug of the standard page an Easy Read slug belongs to ("" if none)."""
    return slug.removesuffix(SUFFIX) if slug.endswith(SUFFIX) and slug != SUFFIX.lstrip("-") else ""


@dataclass
class Idea:
    picture: str
    lines: list[str] = field(default_factory=list)
    line: int = 0  # of the picture line, in the body

    @property
    def text(self):
        return "\n".join(self.lines).strip()


@dataclass
class Section:
    heading: str
    line: int
    ideas: list[Idea] = field(default_factory=list)


def parse(body: str):
    """The body as sections of ideas, and its problems as (line, message)."""
    sections, problems = [], []
    for number, line in enumerate((body or "").splitlines(), start=1):
        text = line.strip()
        if line.startswith("## "):
            sections.append(Section(line[3:].strip(), number))
        elif line.startswith("#"):
            problems.append((number, "Easy Read uses '## ' headings only"))
        elif match := PICTURE.match(text):
            if not sections:
                problems.append((number, "put a '## ' heading before the first idea"))
                sections.append(Section("", number))
            sections[-1].ideas.append(Idea(match.group(1), [], number))
        elif text and not (sections and sections[-1].ideas) or (text and _after_blank(sections, text)):
            # A blank line ends an idea (a list in it may follow one): the next needs its own picture.
            problems.append((number, "each idea starts with a picture line, like '<!-- picture: phone -->'"))
        elif sections and sections[-1].ideas:
            sections[-1].ideas[-1].lines.append(line)
    return sections, problems


def _after_blank(sections, text):
    """Whether ``text`` starts a new paragraph (not a list) after a blank line in an idea."""
    lines = sections[-1].ideas[-1].lines if sections and sections[-1].ideas else []
    started = any(line.strip() for line in lines)
    return started and not lines[-1].strip() and not text.startswith(("- ", "* "))


def sentences(text: str):
    """The sentences of some Markdown: each list item and line at least one."""
    for line in str(text).splitlines():
        line = _LINK.sub(r"\1", line.strip().removeprefix("- ").removeprefix("* "))
        yield from (part for part in _SENTENCE_END.split(line) if part.strip())


def long_sentence(text: str):
    """The first sentence of ``text`` over MAX_WORDS words, or None."""
    return next((s for s in sentences(text) if len(_WORD.findall(s)) > MAX_WORDS), None)


def _too_long(sentence):
    return f"'{sentence[:60]}...' has more than {MAX_WORDS} words: split it into short sentences"


def body_problems(body: str, pictures=None):
    """What breaks the Easy Read rules in a body, as (line in the body, message)."""
    pictures = figures.PICTURES_BY_SLUG if pictures is None else pictures
    sections, problems = parse(body)
    if not sections:
        problems.append((1, "the body needs '## ' headings, each with ideas"))
    for section in sections:
        if not section.ideas:
            problems.append((section.line, f"the heading '{section.heading}' has no ideas under it"))
        for idea in section.ideas:
            if idea.picture not in pictures:
                problems.append((idea.line, f"there is no Easy Read picture '{idea.picture}' in guide/figures.py"))
            if not idea.text:
                problems.append((idea.line, "a picture with no words beside it: write the idea under it"))
            elif sentence := long_sentence(idea.text):
                problems.append((idea.line, _too_long(sentence)))
    return sorted(problems)


def fields_problems(fields, standard):
    """What breaks the rules in an Easy Read page's other fields, as (keys,
    message). ``standard``: its standard page's fields (None: not found)."""
    slug = fields.get("slug", "")
    if not standard_of(slug):
        return [(("slug",), f"an Easy Read page's slug ends in '{SUFFIX}'")]
    if standard is None or standard.get("kind") not in ("scan", "procedure"):
        return [(("standard",), f"there is no scan or procedure page '{standard_of(slug)}'")]
    standard_signs = standard.get("warning_signs") or {}
    needs_999 = bool(standard_signs.get("call_999"))
    message = "call_999 needs at least 1 sign: the standard page has some, so this page needs them too"
    problems = safety.warning_sign_problems(fields.get("warning_signs"), needs_999, message)
    problems += safety_rules.leak_without_stop(fields)
    problems += safety_rules.new_symptoms_in_next_visit(fields)
    signs = fields.get("warning_signs")
    for tier, items in signs.items() if isinstance(signs, dict) else ():
        for index, item in enumerate(items if isinstance(items, list) else []):
            keys = ("warning_signs", tier, index)
            problems += [(keys, message) for _, message in safety_rules.sedation_contradictions(str(item))]
            if sentence := long_sentence(str(item)):
                problems.append((keys, _too_long(sentence)))
    # Without the standard page's preparation box, the ideas ask about dye.
    body = {"body": fields.get("body", ""), "preparation": {"ideas": fields.get("body", "")}}
    for _, message in safety_rules.contrast_preparation_problems(body):
        problems.append((("body",), message.replace("its preparation", "its ideas")))
    return problems


def _a_line_each(text):
    """Each line of an idea its own paragraph (Easy Read puts each sentence on
    a line of its own); the lines of a list stay one list."""
    blocks = []
    for line in text.splitlines():
        line = line.strip()
        item = line.startswith(("- ", "* "))
        if not line:
            continue
        if item and blocks and blocks[-1][0]:
            blocks[-1][1].append(line)
        else:
            blocks.append((item, [line]))
    return "\n\n".join("\n".join(lines) for _, lines in blocks)


def rendered_sections(page):
    """The body as a patient reads it: each section with its ideas, each idea
    with its picture (guide/figures.py) and its words rendered."""
    from radiology_guide.guide.markdown import render_markdown

    sections, _ = parse(page.body)
    return [
        {
            "heading": section.heading,
            "id": re.sub(r"[^a-z0-9]+", "-", section.heading.lower()).strip("-") or "section",
            "ideas": [
                {
                    "picture": figures.PICTURES_BY_SLUG.get(idea.picture),
                    "html": mark_safe(render_markdown(_a_line_each(idea.text)).html),  # noqa: S308 - sanitised by render_markdown
                }
                for idea in section.ideas
            ],
        }
        for section in sections
    ]
