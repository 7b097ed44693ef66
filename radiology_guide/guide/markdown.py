"""The one place Markdown becomes HTML.

Content is rendered when it is saved, never per request. Everything goes
through an allow-list sanitiser (nh3): python-markdown passes raw HTML,
``<script>``, ``onerror=`` and ``javascript:`` links straight through, and
content comes from files and from admin users alike.

python-markdown and nh3 are imported when first used: a web worker that only
serves pages never needs them, which keeps about 3 MB out of each worker
(README "Benchmarks").
"""

import functools
import re
import threading
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.text import slugify

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


_converters = threading.local()


def _converter():
    """This thread's Markdown converter, reset. Building one loads every
    extension: about 6 ms, more than converting a page (bench/editing)."""
    md = getattr(_converters, "md", None)
    if md is None:
        import markdown as markdown_lib

        md = _converters.md = markdown_lib.Markdown(
            extensions=["tables", "sane_lists", "toc"],
            extension_configs={"toc": {"slugify": _heading_id, "toc_depth": "2-3"}},
        )
    return md.reset()


def render_markdown(text: str, glossary: "GlossaryLinker | None" = None) -> Rendered:
    """Render Markdown to safe HTML with heading anchors and a table of contents."""
    md = _converter()
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
    # A wide table scrolls inside its own box on a narrow phone; the box takes
    # keyboard focus so that it can be scrolled without a mouse.
    html = html.replace("<table>", '<div class="table-scroll" role="region" tabindex="0" aria-label="Table"><table>')
    html = html.replace("</table>", "</table></div>")
    if glossary:
        html = glossary.link(html)
    return Rendered(html=html, toc=toc)


@functools.lru_cache(maxsize=4096)
def render_inline(text: str) -> str:
    """Render a short piece of Markdown (a table cell) without the wrapping <p>.
    Remembered: the same sentences (sedation aftercare, help tiers) recur on
    many pages, and every guide page is rendered again after a page changes."""
    html = render_markdown(text).html
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


class GlossaryLinker:
    """Link the first mention of each glossary term on a page to its entry.

    Works on sanitised HTML: only text outside tags is touched, and never text
    inside links or headings.
    """

    _TAG = re.compile(r"(<[^>]+>)")

    def __init__(self, terms):
        # terms: iterable of (slug, [words...]); longest words first so that
        # "CT scan" wins over "CT".
        self.lookup = {}
        words = []
        for slug, names in terms:
            for name in names:
                name = name.strip()
                if name and name.lower() not in self.lookup:
                    self.lookup[name.lower()] = slug
                    words.append(name)
        words.sort(key=len, reverse=True)
        self.pattern = (
            re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in words) + r")(?![\w-])", re.IGNORECASE)
            if words
            else None
        )

    def link(self, html: str, skip_slug: str | None = None) -> str:
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
                if tag in {"a", "h2", "h3", "h4", "caption", "th"}:
                    blocked += 1
                elif tag in {"/a", "/h2", "/h3", "/h4", "/caption", "/th"}:
                    blocked = max(0, blocked - 1)
                out.append(part)
            elif blocked or not part.strip():
                out.append(part)
            else:
                out.append(self.pattern.sub(lambda m: self._replace(m, linked), part))
        return "".join(out)

    def _replace(self, match, linked):
        word = match.group(0)
        slug = self.lookup.get(word.lower())
        if slug is None or slug in linked:
            return word
        linked.add(slug)
        return f'<a class="glossary-link" href="/glossary/#{escape(slug)}">{word}</a>'
