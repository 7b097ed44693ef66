"""What a translation is made of, how it is laid over the English, and the
rules that keep it as safe as the English (issue 23).

A translation (models.Translation) keeps only the translated words; every
fact that is not words (sources, related pages, dose band, kind, order, the
risks' sources, the preparation steps' timing) comes from the English page,
so it cannot drift. It is rendered with the English page's own templates,
with its language active: the headings, the warning tiers, the 999 line and
the clinic's number come through exactly as on the English page.
"""

import copy
import re

from django.conf import settings
from django.utils import timezone, translation
from django.utils.html import strip_tags

from radiology_guide.guide import content_types, prerender
from radiology_guide.guide.markdown import render_markdown
from radiology_guide.guide.models import Page, Translation
from radiology_guide.guide.models.translation import english_fingerprint

#: The translated fields of each content type, by its name (content_types).
FIELDS = {
    "page": (
        "title", "summary", "body", "caption", "duration", "sedation", "usual_stay", "dose",
        "preparation", "preparation_timing", "warning_signs", "risks",
    ),
    "faq": ("question", "answer"),
    "comparisonrow": ("feature", "diagnostic", "interventional"),
    "glossaryterm": ("term", "definition"),
}  # fmt: skip
#: What the translated page shows besides the words (README "Translations").
PAGE_KINDS = (Page.Kind.PAGE, Page.Kind.SECTION, Page.Kind.SCAN, Page.Kind.PROCEDURE)

# Addresses inside the site that have a translated version (not files, not the staff area).
_UNTRANSLATED_PATHS = ("static/", "media/", "staff/", "admin/", "account/", "sitemap.xml", "robots.txt")
_SITE_LINK = re.compile(r'(href|action)="/(?!/)')


def localise_links(html: str, language: str) -> str:
    """``html`` with its links into the site pointing at the same pages in
    ``language`` (/procedures/mri-scan/ -> /pl/procedures/mri-scan/)."""
    prefix = f"/{language}/"

    def replace(match):
        rest = html[match.end() : match.end() + 16]
        if rest.startswith(_UNTRANSLATED_PATHS) or rest.startswith(prefix[1:]):
            return match.group(0)
        return f'{match.group(1)}="{prefix}'

    return _SITE_LINK.sub(replace, html)


def english_text(obj, of_model="page") -> dict:
    """The English words a translation of ``obj`` translates, non-empty only."""
    text = {}
    for name in FIELDS[of_model]:
        value = getattr(obj, name, None)
        if name == "risks":
            value = [{key: risk.get(key, "") for key in ("what", "how_often")} for risk in value or []]
        elif name == "preparation_timing":
            value = [{"when": step.get("when", ""), "what": step.get("what", "")} for step in value or []]
        if value not in (None, "", [], {}):
            text[name] = value
    return text


def fingerprint(obj, of_model="page") -> str:
    return english_fingerprint(english_text(obj, of_model))


def translated_page(page: Page, trans: Translation) -> Page:
    """A copy of ``page`` (never saved) with the translation's words on it."""
    shown = copy.copy(page)
    text = trans.text or {}
    for name in FIELDS["page"]:
        if name not in text:
            continue
        value = text[name]
        if name == "risks":  # the English risks' sources, in the same order
            value = [{**english, **mine} for english, mine in zip(page.risks or [], value, strict=False)]
        elif name == "preparation_timing":  # the English timing: a step is never moved
            value = [
                {**mine, "when": english.get("when")}
                for english, mine in zip(page.preparation_timing or [], value, strict=False)
            ]
        setattr(shown, name, value)
    shown.translation = trans
    return shown


def render(trans: Translation, page: Page | None = None, clinic=None) -> str:
    """The inside of <main> of a translated page, in its language; "" (the
    page is shown in English, with a notice) if it is no longer as safe as
    the English: an out-of-date translation whose English has gained a
    warning line, a risk or a section is never shown without it."""
    page = page or Page.objects.get(slug=trans.of_key)
    if problems(page, trans.text or {}):
        return ""
    shown = translated_page(page, trans)
    with translation.override(trans.language):
        rendered = render_markdown(shown.body or "", None)
        shown.body_html, shown.toc = english_anchors(rendered.html, rendered.toc, page.toc)
        if page.kind in prerender.KINDS:
            html = prerender.render_main(shown, clinic=clinic, retitle=retitle)
        else:
            html = shown.body_html
    return localise_links(html, trans.language)


_H2_ID = re.compile(r'<h2 id="([^"]+)">')


def english_anchors(html, toc, english_toc):
    """The translated body with its sections' anchors the English's, section
    by section (the same headings in the same order: ``problems``), so the
    page's layout (guide/prerender.py places the preparation, risks and help
    blocks by them) and links to a section work in every language."""
    ids = [entry["id"] for entry in english_toc or [] if entry.get("level") == 2]
    mine = [entry["id"] for entry in toc if entry.get("level") == 2]
    if len(ids) != len(mine):
        return html, toc
    renamed = dict(zip(mine, ids, strict=True))
    position = iter(ids)
    html = _H2_ID.sub(lambda match: f'<h2 id="{next(position)}">', html)
    return html, [
        {**entry, "id": renamed.get(entry["id"], entry["id"])} if entry.get("level") == 2 else entry for entry in toc
    ]


def render_all(only_pages=None, clinic=None) -> int:
    """Render every page translation again (or those of ``only_pages``, slugs);
    returns how many changed."""
    translations = Translation.objects.filter(of_model="page")
    if only_pages is not None:
        translations = translations.filter(of_key__in=only_pages)
    pages = {page.slug: page for page in Page.objects.filter(slug__in=translations.values("of_key"))}
    stale = []
    for trans in translations:
        page = pages.get(trans.of_key)
        html = render(trans, page, clinic) if page else ""
        if html != trans.main_html:
            trans.main_html = html
            stale.append(trans)
    Translation.objects.bulk_update(stale, ["main_html"])
    return len(stale)


def refresh_out_of_date(english_objs=(), translated=(), today=None) -> int:
    """After content is published: a translation made from other English
    words than the English's now is out of date (from today, until a
    translation of the new words is published); one made from the words the
    English has now is not. ``english_objs``: English content just
    published; ``translated``: translations just published. Returns how many
    changed."""
    today = today or timezone.localdate()
    english = {
        (obj._meta.model_name, content_types.of(obj).key(obj)): obj
        for obj in english_objs
        if obj._meta.model_name in FIELDS
    }
    wanted = {(trans.of_model, trans.of_key) for trans in translated} - set(english)
    by_model = {}
    for of_model, key in wanted:
        by_model.setdefault(of_model, set()).add(key)
    for of_model, keys in by_model.items():
        content_type = content_types.BY_NAME[of_model]  # the registry names each type's key
        found = content_type.model.objects.filter(**{f"{content_type.key_field}__in": keys})
        english |= {(of_model, content_type.key(obj)): obj for obj in found}
    changed = []
    for (of_model, key), obj in english.items():
        current = fingerprint(obj, of_model)
        for trans in Translation.objects.filter(of_model=of_model, of_key=key):
            stale = trans.source_revision != current
            if stale and trans.english_changed_on is None:
                trans.english_changed_on = today
                changed.append(trans)
            elif not stale and trans.english_changed_on is not None:
                trans.english_changed_on = None
                changed.append(trans)
    Translation.objects.bulk_update(changed, ["english_changed_on"])
    return len(changed)


def for_page(page: Page, language: str):
    """The published translation of ``page`` into ``language``, or None."""
    return Translation.objects.filter(of_model="page", of_key=page.slug, language=language).first()


def is_english(language=None) -> bool:
    return (language or translation.get_language()) == settings.LANGUAGE_CODE


def in_language(page: Page, language=None) -> Page:
    """``page`` as a patient reading in ``language`` sees it: a copy with its
    published translation's words (its ``translation`` attribute), or the
    page itself (``translation`` None: shown in English, with a notice)."""
    language = language or translation.get_language()
    trans = None if is_english(language) else for_page(page, language)
    if trans is None:
        page.translation = None
        return page
    if page.kind == Page.Kind.PAGE and not trans.main_html:
        # Rendered when published ("" if less safe than the English): as a guide page, shown in English.
        page.translation = None
        return page
    shown = translated_page(page, trans)
    if page.kind == Page.Kind.PAGE:  # a site page's words are shown by its template
        shown.body_html = trans.main_html  # rendered when published: no Markdown in a web worker
    return shown


def retitle(pages, language=None):
    """Links to ``pages`` named in ``language`` where a page is translated;
    a page that is not keeps its English title and summary, and is marked
    ``in_english``, so the link says so to a screen reader (WCAG 3.1.2)."""
    language = language or translation.get_language()
    if is_english(language):
        return pages
    pages = list(pages)
    texts = dict(
        Translation.objects.filter(
            of_model="page", language=language, of_key__in=[page.slug for page in pages]
        ).values_list("of_key", "text")
    )
    for page in pages:
        if text := texts.get(page.slug):
            page.title, page.summary = text.get("title", page.title), text.get("summary", page.summary)
            if "duration" in text:  # (setting a deferred field reads nothing)
                page.duration = text["duration"]
        else:
            page.in_english = True
    return pages


#: The attributes of a passage that is only in English, on a page in another language.
IN_ENGLISH = ' lang="en-GB" dir="ltr"'


def english_main(html: str, language: str) -> str:
    """The English inside of <main>, on a page in ``language``: marked as
    English for screen readers (and laid out left to right), links kept in
    the reader's language."""
    return f"<div{IN_ENGLISH}>{localise_links(html, language)}</div>"


# ---------------------------------------------------------------------------
# Never less safe than the English


_HEADING = re.compile(r"^## ", re.MULTILINE)
_EASTERN_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")
_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d+)*")


def numbers(text: str) -> set[str]:
    """The numbers in ``text``, written the same way whatever the language:
    "10,000", "10 000" and "10000" are 10000; "1.5" and "1,5" are 1.5."""
    found = set()
    for match in _NUMBER.findall(strip_tags(str(text))):
        groups = re.split(r"[.,\u00a0\u202f ]", match)
        if all(len(group) == 3 for group in groups[1:]):
            found.add(str(int("".join(groups))))
        else:  # a decimal, or separate numbers ("1, 2")
            if len(groups) == 2 and match[len(groups[0])] in ".,":
                found.add(f"{int(groups[0])}.{groups[1]}")
            else:
                found.update(str(int(group)) for group in groups)
    return found


def _pairs(english: dict, translated: dict):
    """(field, English sentence, translated sentence) for each sentence both have."""
    for name, value in english.items():
        mine = translated.get(name)
        if name in ("preparation", "warning_signs"):
            for key, item in value.items():
                items, theirs = (
                    (item, (mine or {}).get(key)) if isinstance(item, list) else ([item], [(mine or {}).get(key)])
                )
                for number, (sentence, translation_of) in enumerate(zip(items, theirs or [], strict=False), start=1):
                    yield (
                        f"{name}.{key}" + (f" line {number}" if isinstance(item, list) else ""),
                        sentence,
                        translation_of,
                    )
        elif name in ("risks", "preparation_timing"):
            for number, (item, theirs) in enumerate(zip(value, mine or [], strict=False), start=1):
                for key in ("what", "how_often"):
                    if item.get(key):
                        yield f"{name} item {number} {key}", item[key], (theirs or {}).get(key)
        else:
            yield name, value, mine


def problems(english_obj, text: dict, of_model="page") -> list[str]:
    """Why a translation (``text``) is less safe than ``english_obj``, or []:
    a warning tier, a line, a risk or a preparation step left out or added;
    a number changed, dropped or added; digits not written 0-9."""
    english = english_text(english_obj, of_model)
    found = [f"{name}: not a field of a {of_model} translation" for name in sorted(set(text) - set(FIELDS[of_model]))]
    for name in ("warning_signs", "preparation"):
        mine, theirs = english.get(name) or {}, text.get(name) or {}
        if name in english and set(mine) != set(theirs):
            found.append(f"{name}: needs exactly {', '.join(mine)} (as the English)")
        for key, lines in mine.items():
            if isinstance(lines, list) and len(theirs.get(key) or []) != len(lines):
                found.append(
                    f"{name}.{key}: needs {len(lines)} line(s), as the English, not {len(theirs.get(key) or [])}"
                )
    for name in ("risks", "preparation_timing"):
        if name in english and len(text.get(name) or []) != len(english[name]):
            found.append(f"{name}: needs {len(english[name])} item(s), as the English, not {len(text.get(name) or [])}")
    for name in ("title", "summary"):
        if name in english and not text.get(name):
            found.append(f"{name}: is missing")
    headings = [len(_HEADING.findall(str(body or ""))) for body in (english.get("body"), text.get("body"))]
    if headings[0] != headings[1]:
        found.append(f"body: needs {headings[0]} section heading(s) (##), as the English, not {headings[1]}")
    for where, sentence, translated in _pairs(english, text):
        if not translated or not isinstance(translated, str):
            if name_needed(where, english):
                found.append(f"{where}: is missing")
            continue
        if _EASTERN_DIGITS.search(translated):
            found.append(f"{where}: write numbers with the digits 0-9, as 999 and 111 are written")
        if numbers(sentence) != numbers(translated):
            want = ", ".join(sorted(numbers(sentence))) or "none"
            have = ", ".join(sorted(numbers(translated))) or "none"
            found.append(f"{where}: the numbers must be the English's ({want}), not {have}")
    return found


def name_needed(where, english) -> bool:
    """A sentence the English has but the translation left out: missing, unless it is the body of a page without one."""
    return where != "body" or bool(english.get("body"))
