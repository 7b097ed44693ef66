"""Tests another team does that patients look for here: a search for a
gastroscopy or a colonoscopy says plainly that these are endoscopy tests,
done by the endoscopy team rather than radiology, and offers the radiology
tests that look at the same part of the body (templates/guide/search.html).

A phrase matches when all its words are among the words searched for, in any
order ("camera throat" is "a camera down my throat").
"""

from radiology_guide.guide.models import Page
from radiology_guide.guide.words import match_key

UPPER = ["barium-swallow-and-meal"]  # the gullet and stomach
LOWER = ["ct-colonography", "barium-enema"]  # the large bowel
ENDOSCOPY = {
    "gastroscopy": UPPER,
    "ogd": UPPER,
    "camera throat": UPPER,
    "camera stomach": UPPER,
    "tube throat": UPPER,
    "colonoscopy": LOWER,
    "sigmoidoscopy": LOWER,
    "camera bottom": LOWER,
    "camera bowel": LOWER,
    "endoscopy": [UPPER[0], LOWER[0]],
    "endoscope": [UPPER[0], LOWER[0]],
}
WORDS = {word for phrase in ENDOSCOPY for word in phrase.split()}


def endoscopy_alternatives(query: str) -> list[Page]:
    """The radiology pages to offer instead, when the query names an endoscopy test; else []."""
    words = set(match_key(query).split())
    slugs = [
        slug for phrase, offered in ENDOSCOPY.items() if set(match_key(phrase).split()) <= words for slug in offered
    ]
    if not slugs:
        return []
    pages = {page.slug: page for page in Page.objects.filter(slug__in=slugs).only("kind", "slug", "title")}
    return [pages[slug] for slug in dict.fromkeys(slugs) if slug in pages]
