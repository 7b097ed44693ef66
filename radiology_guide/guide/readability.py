"""Measure how easy a piece of patient text is to read.

The content standard (CONTENT.md) asks for a Flesch-Kincaid grade of 8 or
lower and a SMOG index of 10 or lower for every page body and FAQ answer.
We measure the *rendered* text a patient reads: Markdown is turned into HTML,
and only prose blocks (paragraphs, list items, definitions, table cells) are
kept. Headings are left out. Each block counts as at least one sentence, so a
bullet list without full stops is not scored as one enormous sentence.

Run it on files while writing:  python -m radiology_guide.guide.readability content/sections/*.md
"""

import math
import sys
import warnings
from html.parser import HTMLParser
from pathlib import Path

MAX_GRADE = 8.0
MAX_SMOG = 10.0

_PROSE_TAGS = {"p", "li", "dd", "dt", "td", "th", "caption"}
_SKIP_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "script", "style", "pre", "code", "svg"}


class _ProseExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag, attrs):
        # A glossary definition that opens in place is the glossary's text,
        # measured there, not part of the page's own prose.
        if tag in _SKIP_TAGS or (tag == "span" and ("class", "glossary-definition") in attrs):
            self._skip_depth += 1
        elif tag in _PROSE_TAGS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS or (tag == "span" and self._skip_depth):
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _PROSE_TAGS:
            self._flush()

    def handle_data(self, data):
        if not self._skip_depth:
            self._current.append(data)

    def _flush(self):
        text = " ".join("".join(self._current).split())
        self._current = []
        if text:
            if text[-1] not in ".?!:":
                text += "."
            self.blocks.append(text)

    def close(self):
        super().close()
        self._flush()


def prose_from_html(html: str) -> str:
    parser = _ProseExtractor()
    parser.feed(html)
    parser.close()
    return " ".join(parser.blocks)


def scores(text: str) -> tuple[float, float]:
    """Return (Flesch-Kincaid grade, SMOG index) for plain prose."""
    with warnings.catch_warnings():
        # textstat 0.7.4 imports pkg_resources, which warns on import.
        warnings.simplefilter("ignore")
        import textstat
    smog = textstat.smog_index(text)
    sentences = textstat.sentence_count(text)
    if sentences and sentences < 3:
        # textstat gives 0 for fewer than 3 sentences, which would let a short,
        # hard answer pass; apply the SMOG formula itself instead.
        smog = round(1.043 * math.sqrt(textstat.polysyllabcount(text) * 30 / sentences) + 3.1291, 1)
    return textstat.flesch_kincaid_grade(text), smog


def html_scores(html: str) -> tuple[float, float]:
    return scores(prose_from_html(html))


def structured_html(texts) -> str:
    """The structured sentences of a scan or procedure page (guide/safety.py),
    each as its own block, to be measured with the body."""
    from radiology_guide.guide.markdown import render_inline

    return "".join(f"<li>{render_inline(text)}</li>" for text in texts)


def file_html(path: Path) -> str:
    """A content file as a patient reads it: the body and any structured text."""
    import markdown

    from radiology_guide.guide.content_files import split_front_matter
    from radiology_guide.guide.safety import structured_texts

    meta, body, _, _ = split_front_matter(path)
    return markdown.markdown(body, extensions=["tables"]) + structured_html(structured_texts(meta))


def main(paths: list[str]) -> int:
    failed = 0
    for name in paths:
        grade, smog = html_scores(file_html(Path(name)))
        ok = grade <= MAX_GRADE and smog <= MAX_SMOG
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} grade {grade:5.1f}  smog {smog:5.1f}  {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
