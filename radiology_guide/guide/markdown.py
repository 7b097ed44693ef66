"""The one place Markdown becomes HTML.

Content is rendered when it is saved, never per request. Everything goes
through an allow-list sanitiser (nh3): python-markdown passes raw HTML,
``<script>``, ``onerror=`` and ``javascript:`` links straight through, and
content comes from files and from admin users alike.

python-markdown and nh3 are imported when first used: a web worker that only
serves pages never needs them, which keeps about 3 MB out of each worker
(README "Benchmarks").
"""

import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.text import slugify

from radiology_guide.guide.dosechart import add_dose_charts

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "caption", "code", "dd", "dl", "dt", "em", "h2",
    "h3", "h4", "hr", "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


@dataclass
class Rendered:
    html: str
    toc: list[dict] = field(default_factory=list)  # [{"id", "title", "level"}]


def _heading_id(value, separator="-"):
    return slugify(value) or "section"


def sanitise(html: str) -> str:
    import nh3

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def render_markdown(
    text: str, glossary: "GlossaryLinker | None" = None, id_prefix: str = "", explain: bool = True
) -> Rendered:
    """Render Markdown to safe HTML with heading anchors and a table of contents.

    ``id_prefix`` keeps the ids it makes (table captions, glossary definitions)
    unique when several pieces share a page (the FAQs). ``explain`` off links
    glossary terms to their entries instead of opening their definitions."""
    import markdown as markdown_lib

    md = markdown_lib.Markdown(
        extensions=["tables", "sane_lists", "toc"],
        extension_configs={"toc": {"slugify": _heading_id, "toc_depth": "2-3"}},
    )
    html = md.convert(text or "")
    toc = [
        {"id": entry["id"], "title": entry["name"], "level": entry["level"]}
        for top in md.toc_tokens
        for entry in [top, *top.get("children", [])]
        if entry["level"] in (2, 3)
    ]
    # Tables get scope on their header cells, for screen readers.
    html = html.replace("<th>", '<th scope="col">').replace('<th style="text-align: left;">', '<th scope="col">')
    html = sanitise(html)
    html = _caption_tables(html, id_prefix)
    html = add_dose_charts(html)
    if glossary:
        html = glossary.link(html, id_prefix=id_prefix, explain=explain)
    return Rendered(html=html, toc=toc)


_TABLE_CAPTION = re.compile(r"<p>Table: (.+?)</p>\s*<table>", re.S)
_HEADING_OR_TABLE = re.compile(r"<h[234][^>]*>(.*?)</h[234]>|<table>", re.S)


def _caption_tables(html, id_prefix=""):
    """Give every table a caption, and its scrolling box that caption as its name.

    The caption is a paragraph "Table: ..." written just above the table, or
    else the heading the table sits under. A wide table scrolls inside its
    own box on a narrow phone; the box takes keyboard focus so that it can be
    scrolled without a mouse, and a screen reader announces it by the caption.
    """
    html = _TABLE_CAPTION.sub(lambda m: f"<table><caption>{m.group(1)}</caption>", html)
    out, heading, number, last = [], "", 0, 0
    for match in _HEADING_OR_TABLE.finditer(html):
        if match.group(0) != "<table>":
            heading = re.sub(r"<[^>]+>", "", match.group(1))
            continue
        number += 1
        caption_id = f"{id_prefix}table-{number}-caption"
        out.append(html[last : match.start()])
        rest = html[match.end() :]
        out.append(f'<div class="table-scroll" role="region" tabindex="0" aria-labelledby="{caption_id}"><table>')
        if rest.startswith("<caption>"):
            out.append(f'<caption id="{caption_id}">')
            last = match.end() + len("<caption>")
        else:
            out.append(f'<caption id="{caption_id}">{heading or "Table"}</caption>')
            last = match.end()
    out.append(html[last:])
    return "".join(out).replace("</table>", "</table></div>")


def render_inline(text: str) -> str:
    """Render a short piece of Markdown (a table cell) without the wrapping <p>."""
    html = render_markdown(text).html
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


class GlossaryLinker:
    """Explain the first mention of each glossary term on a page, in place.

    Works on sanitised HTML: only text outside tags is touched, and never text
    inside links, headings or table headers. With a definition, the mention
    becomes a button that opens the definition beside it, with a link to the
    full entry: an HTML popover, which needs no JavaScript, closes with Esc or
    a tap elsewhere, and (unlike <details>) is valid inside a paragraph.
    Without one, it is a plain link to the glossary.
    """

    _TAG = re.compile(r"(<[^>]+>)")

    def __init__(self, terms):
        # terms: iterable of (slug, [words...]) or (slug, [words...], definition);
        # longest words first so that "CT scan" wins over "CT".
        self.lookup = {}
        self.names = {}
        self.definitions = {}
        words = []
        for slug, names, *definition in terms:
            names = [name.strip() for name in names if name.strip()]
            if names:
                # "radiologist" mid-sentence, but "CT", "MRI" and "Millisievert (mSv)" as written.
                first = names[0]
                self.names[slug] = first if any(c.isupper() for c in first[1:]) else first.lower()
            if definition and definition[0]:
                self.definitions[slug] = " ".join(definition[0].split())
            for name in names:
                if name.lower() not in self.lookup:
                    self.lookup[name.lower()] = slug
                    words.append(name)
        words.sort(key=len, reverse=True)
        self.pattern = (
            re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in words) + r")(?![\w-])", re.IGNORECASE)
            if words
            else None
        )

    def link(self, html: str, skip_slug: str | None = None, id_prefix: str = "", explain: bool = True) -> str:
        if not self.pattern:
            return html
        linked = set()
        if skip_slug:
            linked.add(skip_slug)
        out = []
        blocked = 0  # inside <a> or a heading
        for part in self._TAG.split(html):
            if part.startswith("<"):
                tag = part[1:].split(None, 1)[0].rstrip(">").lower()
                if tag in {"a", "h2", "h3", "h4", "caption", "th", "svg"}:
                    blocked += 1
                elif tag in {"/a", "/h2", "/h3", "/h4", "/caption", "/th", "/svg"}:
                    blocked = max(0, blocked - 1)
                out.append(part)
            elif blocked or not part.strip():
                out.append(part)
            else:
                out.append(self.pattern.sub(lambda m: self._replace(m, linked, id_prefix, explain), part))
        return "".join(out)

    def _replace(self, match, linked, id_prefix, explain):
        word = match.group(0)
        slug = self.lookup.get(word.lower())
        if slug is None or slug in linked:
            return word
        linked.add(slug)
        href = f"/glossary/#{escape(slug)}"
        definition = self.definitions.get(slug) if explain else None
        if not definition:
            return f'<a class="glossary-link" href="{href}">{word}</a>'
        popover_id = f"{id_prefix}define-{escape(slug)}"
        name = escape(self.names[slug])
        return (
            f'<button type="button" class="glossary-term" popovertarget="{popover_id}">{word}</button>'
            f'<span class="glossary-popover" id="{popover_id}" popover><strong>{name[:1].upper()}{name[1:]}:</strong> '
            f'{escape(definition)} <a class="glossary-link" href="{href}">More about {name} in the glossary</a></span>'
        )
