"""Patients' own words for the pages they mean: "cat scan" is the CT page.

Editors keep the list in admin (``Synonym``) and in ``content/synonyms.yml``,
which ``sync_content`` reads and ``export_content`` writes, grouped by page::

    /procedures/ct-scan/:
      - cat scan
      - ct scanner

A sync treats a phrase like any other content: new phrases in the file are
added, a phrase whose page changed in the file is updated, unless an editor
changed it in admin since the last sync (a conflict, left alone unless
``--force``); a phrase that has gone from the file is deleted unless it was
added or changed in admin. Search (``guide.search``) shows the page of every
phrase found in a query first.
"""

from pathlib import Path

import yaml
from django.db.models import F

from radiology_guide.guide.content_files import ContentError
from radiology_guide.guide.words import match_key, normalise

FILE_NAME = "synonyms.yml"
HEADER = (
    "# Words patients type into the search box, and the page they mean by them.\n"
    "# Edited in admin (Guide > Synonyms) or here; sync_content loads this file and\n"
    "# export_content writes it. Each address lists the phrases that lead to it.\n"
)


def phrases_in(query: str, synonyms, ignore=frozenset()) -> list[tuple[str, str]]:
    """The (phrase, url) pairs whose phrase appears in the query as whole words,
    longest phrase first, so "heart scan" wins over "scan". A phrase also
    matches a query of just its words in another order, apart from the
    ``ignore`` words: "biopsy of my lung" is "lung biopsy"."""
    padded = f" {match_key(query)} "
    content = sorted(word for word in padded.split() if word not in ignore)

    def position(phrase):
        key = f" {match_key(phrase)} "
        if key in padded:
            return padded.index(key)
        if len(content) > 1 and sorted(key.split()) == content:
            return len(padded)  # after the phrases typed in their own order
        return None

    found = [(phrase, url, at) for phrase, url in synonyms if (at := position(phrase)) is not None]
    return [(phrase, url) for phrase, url, _ in sorted(found, key=lambda item: (-len(item[0]), item[2]))]


def read_file(root: Path) -> dict[str, str]:
    """phrase -> url from the file (empty if there is no file)."""
    path = root / FILE_NAME
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ContentError(path, mark.line + 1 if mark else 1, f"bad YAML: {error}") from None
    if not isinstance(data, dict):
        raise ContentError(path, 1, "expected page addresses, each with a list of phrases")
    phrases = {}
    for url, listed in data.items():
        if not isinstance(url, str) or not url.startswith("/") or not isinstance(listed, list):
            raise ContentError(path, 1, f"{url!r}: expected a page address starting with / and a list of phrases")
        for item in listed:
            phrase = normalise(str(item))
            if not phrase:
                raise ContentError(path, 1, f"{url}: an empty phrase")
            if phrase in phrases:
                raise ContentError(path, 1, f"'{phrase}' is listed twice ({phrases[phrase]} and {url})")
            phrases[phrase] = url
    return phrases


def sync_synonyms(root: Path, report, force=False):
    from radiology_guide.guide.models import Synonym

    in_file = read_file(root)
    existing = {synonym.phrase: synonym for synonym in Synonym.objects.all()}
    label = f"synonym '{{}}' ({root / FILE_NAME})"
    for phrase, url in in_file.items():
        synonym = existing.pop(phrase, None)
        if synonym is None:
            Synonym.objects.create(phrase=phrase, url=url, synced_url=url)
            report.created.append(label.format(phrase))
        elif synonym.url == url:
            if synonym.synced_url != url:
                Synonym.objects.filter(pk=synonym.pk).update(synced_url=url)
            report.unchanged += 1
        elif synonym.url == synonym.synced_url or force:
            Synonym.objects.filter(pk=synonym.pk).update(url=url, synced_url=url)
            report.updated.append(label.format(phrase))
        else:
            report.conflicts.append(f"{label.format(phrase)}: edited in admin since the last sync; the file differs")
    for phrase, synonym in existing.items():
        if (synonym.synced_url and synonym.url == synonym.synced_url) or force:
            synonym.delete()
            report.deleted.append(label.format(phrase))
        # Otherwise added or changed in admin: kept until it is exported.


def synonyms_text(pairs) -> str:
    by_url: dict[str, list[str]] = {}
    for phrase, url in pairs:
        by_url.setdefault(url, []).append(phrase)
    body = yaml.safe_dump(
        {url: sorted(phrases) for url, phrases in sorted(by_url.items())},
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
    )
    return HEADER + body


def export_synonyms(root: Path) -> Path | None:
    """Write every synonym to the file; returns the path if it changed."""
    from radiology_guide.guide.models import Synonym

    pairs = list(Synonym.objects.values_list("phrase", "url"))
    path = root / FILE_NAME
    if not pairs and not path.exists():
        return None
    text = synonyms_text(pairs)
    Synonym.objects.exclude(synced_url=F("url")).update(synced_url=F("url"))
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return None
    path.write_text(text, encoding="utf-8")
    return path
