"""How the guide compares words: the one normaliser and the one stemmer that
search, synonyms and "found elsewhere" all use, so "Bone Scans" typed in the
search box and "bone scan" kept as a synonym are the same words."""

import re

_WORDS = re.compile(r"[a-z0-9]+")
SUFFIXES = ("ation", "ing", "ies", "ed", "es", "ic", "ia", "s", "y")


def normalise(phrase: str) -> str:
    """Lower case, words only, single spaces: "X-Ray " -> "x ray"."""
    return " ".join(_WORDS.findall(phrase.lower()))


def stem(word: str) -> str:
    """A rough stem, only to compare one person's words with another's:
    "scans" and "scan", "injections" and "injection" (a stem keeps 4 letters)."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def match_key(text: str) -> str:
    """What is compared: each word stemmed, so "bone scans" matches "bone scan"."""
    return " ".join(stem(word) for word in _WORDS.findall(text.lower()))
