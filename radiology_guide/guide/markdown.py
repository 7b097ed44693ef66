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
import secrets
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
    """A python-markdown extension that swaps each <img> for a placeholder
    the sanitiser keeps; ``_pictures`` puts the library's markup there after
    sanitising. Returns (extension, [(source, alt)], placeholder)."""
    from markdown.extensions import Extension
    from markdown.treeprocessors import Treeprocessor

    found = []
    # Random for each render, so typing a placeholder into content does nothing.
    placeholder = f"rgimg{secrets.token_hex(8)}n{{}}x"

    class References(Treeprocessor):
        def run(self, root):
            for element in list(root.iter("img")):
                found.append((element.get("src", ""), element.get("alt", "")))
                element.tag = "span"
                element.text = placeholder.format(len(found) - 1)
                element.attrib.clear()

    class ImageReferences(Extension):
        def extendMarkdown(self, md):
            md.treeprocessors.register(References(md), "image_references", 0)

    return ImageReferences(), found, placeholder


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


def render_markdown(text: str, glossary: "GlossaryLinker | None" = None) -> Rendered:
    """Render Markdown to safe HTML with heading anchors and a table of contents."""
    import markdown as markdown_lib

    references, found, placeholder = _image_references()
    md = markdown_lib.Markdown(
        extensions=["tables", "sane_lists", "toc", references],
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
    if found:
        html = _pictures(html, found, placeholder)
    # A wide table scrolls inside its own box on a narrow phone; the box takes
    # keyboard focus so that it can be scrolled without a mouse.
    html = html.replace("<table>", '<div class="table-scroll" role="region" tabindex="0" aria-label="Table"><table>')
    html = html.replace("</table>", "</table></div>")
    if glossary:
        html = glossary.link(html)
    return Rendered(html=html, toc=toc)


def render_inline(text: str) -> str:
    """Render a short piece of Markdown (a table cell) without the wrapping <p>."""
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
