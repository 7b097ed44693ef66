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
import secrets
import threading
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

# Pictures come only from the image library (radiology_guide/images), written
# ![alt](image:slug). Any other image is dropped by the sanitiser, and refused
# with this message when it is saved or synced.
IMAGE_SCHEME = "image:"
LIBRARY_ONLY = "Images must come from the image library: ![alt](image:slug)"
_INLINE_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]*)")
_OTHER_IMAGE = re.compile(r"<img\b|!\[[^\]]*\]\[", re.IGNORECASE)
_CODE_SPAN = re.compile(r"`+[^`]*`+")


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


def image_problems(text: str, known: set[str] | None = None) -> list[tuple[int, str]]:
    """Images that break the rule above, as (line in ``text``, message).
    ``known`` is the set of image slugs there are; None looks them up."""
    found, in_fence = [], False
    for number, line in enumerate((text or "").splitlines(), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if in_fence or line.startswith(("    ", "\t")):
            continue
        line = _CODE_SPAN.sub("", line)
        if _OTHER_IMAGE.search(line):
            found.append((number, LIBRARY_ONLY, None))
        for match in _INLINE_IMAGE.finditer(line):
            source = match.group(2)
            slug = source[len(IMAGE_SCHEME) :] if source.startswith(IMAGE_SCHEME) else None
            found.append((number, LIBRARY_ONLY, None) if slug is None else (number, None, slug))
    slugs = {slug for _, _, slug in found if slug}
    if slugs and known is None:
        from radiology_guide.images.models import Image

        known = set(Image.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    return [
        (number, message or f"There is no picture '{slug}' in the image library: upload it there first.")
        for number, message, slug in found
        if message or slug not in known
    ]


def _image_references():
    """A python-markdown extension that swaps each <img> for a placeholder the
    sanitiser keeps; ``_pictures`` puts the library's markup there after
    sanitising. What it found goes on the converter: ``md.image_references``
    [(source, alt)] and ``md.image_placeholder``, both set afresh by
    ``_converter`` for each render."""
    from markdown.extensions import Extension
    from markdown.treeprocessors import Treeprocessor

    class References(Treeprocessor):
        def run(self, root):
            found = self.md.image_references
            for element in list(root.iter("img")):
                found.append((element.get("src", ""), element.get("alt", "")))
                element.tag = "span"
                element.text = self.md.image_placeholder.format(len(found) - 1)
                element.attrib.clear()

    class ImageReferences(Extension):
        def extendMarkdown(self, md):
            md.treeprocessors.register(References(md), "image_references", 0)

    return ImageReferences()


def _pictures(html: str, found: list, placeholder: str) -> str:
    """Put each library picture's markup where its placeholder is; other
    images vanish. The first picture loads at once, the rest when near."""
    slugs = {source[len(IMAGE_SCHEME) :] for source, _ in found if source.startswith(IMAGE_SCHEME)}
    images = {}
    if slugs:
        from radiology_guide.images.models import Image

        images = {image.slug: image for image in Image.objects.filter(slug__in=slugs)}
    first = [True]

    def markup(index, figure):
        source, alt = found[int(index)]
        image = images.get(source[len(IMAGE_SCHEME) :]) if source.startswith(IMAGE_SCHEME) else None
        if image is None:
            return ""
        lazy, first[0] = not first[0], False
        return str(image.picture(alt=alt, lazy=lazy, figure=figure))

    pattern = re.escape(placeholder).replace(r"\{\}", r"(\d+)")
    # A picture alone in its paragraph is a figure, with its caption.
    html = re.sub(rf"<p>\s*{pattern}\s*</p>", lambda m: markup(m.group(1), True), html)
    return re.sub(pattern, lambda m: markup(m.group(1), False), html)


_converters = threading.local()


def _converter():
    """This thread's Markdown converter, reset. Building one loads every
    extension: about 6 ms, more than converting a page (bench/editing)."""
    md = getattr(_converters, "md", None)
    if md is None:
        import markdown as markdown_lib

        md = _converters.md = markdown_lib.Markdown(
            extensions=["tables", "sane_lists", "toc", _image_references()],
            extension_configs={"toc": {"slugify": _heading_id, "toc_depth": "2-3"}},
        )
    md.reset()
    md.image_references = []
    # Random for each render, so typing a placeholder into content does nothing.
    md.image_placeholder = f"rgimg{secrets.token_hex(8)}n{{}}x"
    return md


def render_markdown(
    text: str,
    glossary: "GlossaryLinker | None" = None,
    id_prefix: str = "",
    explain: bool = True,
    senses: dict | None = None,
    skip=(),
) -> Rendered:
    """Render Markdown to safe HTML with heading anchors and a table of contents.

    ``id_prefix`` keeps the ids it makes (table captions, glossary definitions)
    unique when several pieces share a page (the FAQs). ``explain`` off links
    glossary terms to their entries instead of opening their definitions.
    ``senses`` ({word: entry slug}) and ``skip`` ([word]): a page's choice of
    which entry a word means there, and words it does not link."""
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
    if md.image_references:
        html = _pictures(html, md.image_references, md.image_placeholder)
    html = _caption_tables(html, id_prefix)
    html = add_dose_charts(html)
    if glossary:
        html = glossary.link(html, id_prefix=id_prefix, explain=explain, senses=senses, skip=skip)
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
    """Explain the first mention of each glossary term on a page, in place.

    Works on sanitised HTML: only text outside tags is touched, and never text
    inside links, headings or table headers. With a definition, the mention
    becomes a link to the definition just after it, hidden until it is the
    page's target (CSS ``:target``): it opens in place with no JavaScript, is
    valid inside a paragraph (unlike <details>), and every HTML checker we
    run accepts it (the Nu checker in ../shared/tools rejects ``popover``).
    The definition links to the full entry and back to the word. Without a
    definition, the mention is a plain link to the glossary.
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

    def link(
        self, html: str, skip_slug: str | None = None, id_prefix: str = "", explain: bool = True, senses=None, skip=()
    ) -> str:
        if not self.pattern:
            return html
        linked = set()
        if skip_slug:
            linked.add(skip_slug)
        # A page's choices are by word, and hold for every form of that word's
        # entry: "catheter: urinary-catheter" also covers "catheters".
        chosen = {self.lookup[w.lower()]: s for w, s in (senses or {}).items() if w.lower() in self.lookup}
        chosen |= {self.lookup[w.lower()]: None for w in skip or () if w.lower() in self.lookup}
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
                out.append(self.pattern.sub(lambda m: self._replace(m, linked, id_prefix, explain, chosen), part))
        return "".join(out)

    def _replace(self, match, linked, id_prefix, explain, chosen=None):
        word = match.group(0)
        slug = self.lookup.get(word.lower())
        if chosen and slug in chosen:
            slug = chosen[slug]
        if slug is None or slug in linked or slug not in self.names:
            return word
        linked.add(slug)
        href = f"/glossary/#{escape(slug)}"
        definition = self.definitions.get(slug) if explain else None
        if not definition:
            return f'<a class="glossary-link" href="{href}">{word}</a>'
        definition_id = f"{id_prefix}define-{escape(slug)}"
        name = escape(self.names[slug])
        return (
            f'<a class="glossary-term" id="{definition_id}-word" href="#{definition_id}">{word}</a>'
            f'<span class="glossary-definition" id="{definition_id}" tabindex="-1">'
            f"<strong>{name[:1].upper()}{name[1:]}:</strong> {escape(definition)} "
            f'<a class="glossary-link" href="{href}">More about {name} in the glossary</a> '
            f'<a class="glossary-close" href="#{definition_id}-word">Close</a></span>'
        )
