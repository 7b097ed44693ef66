"""What is searched: the search entries of each piece of live content (guide/search.py searches them;
guide/publishing.py keeps them in step), as plain text, in the language it is written in."""

import re

from django.conf import settings
from django.utils import translation
from django.utils.html import strip_tags

from radiology_guide.guide import content_types, search
from radiology_guide.guide.models import FAQ, GlossaryTerm, Page, SearchEntry, Translation
from radiology_guide.guide.safety import structured_texts

BLOCK_END = re.compile(r"</(?:h[1-6]|p|li|dt|dd|tr|caption|blockquote|summary|figcaption)>|<br\s*/?>", re.I)
GLOSSARY_DEFINITION = re.compile(r'<span class="glossary-definition"[^>]*>.*?</span>|<svg.*?</svg>', re.S)


def plain_text(html):
    """Text with one line per block (heading, paragraph, list item, row),
    without the glossary definitions that open in place (guide/markdown.py),
    which belong to the glossary's own entries, or a chart's labels."""
    html = GLOSSARY_DEFINITION.sub("", html)
    lines = (" ".join(line.split()) for line in strip_tags(BLOCK_END.sub("\n", html)).splitlines())
    return "\n".join(line for line in lines if line)


def entries_for(obj) -> list:
    """The search entries of one live object (none for a comparison row)."""
    if isinstance(obj, Translation):
        return entries_for_translation(obj)
    if isinstance(obj, Page):
        return entries_for_page(obj)
    if isinstance(obj, FAQ):
        return [entry_for_faq(obj)]
    if isinstance(obj, GlossaryTerm):
        return [entry_for_term(obj)]
    return []


def entries_for_page(page):
    if page.slug == "home":
        return []
    # A scan or procedure page's preparation, warning signs and risks are
    # what people search for ("bleeding after a biopsy"), so they count too.
    structured = "\n".join(strip_tags(text) for text in structured_texts(page.file_fields()))
    return [
        SearchEntry(
            kind=page.kind,
            key=page.slug,
            title=page.title,
            text="\n".join(part for part in (page.summary, plain_text(page.body_html), structured) if part),
            url=page.get_absolute_url(),
        )
    ]


def entries_for_translation(trans):
    """A translated page's entry, in its language, at its address there."""
    page = Page.objects.filter(slug=trans.of_key).first()
    if trans.of_model != "page" or page is None or page.slug == "home":
        return []
    text = trans.text or {}
    with translation.override(trans.language):
        url = page.get_absolute_url()
    structured = "\n".join(strip_tags(part) for part in structured_texts(text))
    words = (text.get("summary", ""), plain_text(trans.main_html), structured)
    return [
        SearchEntry(
            kind=page.kind,
            key=page.slug,
            language=trans.language,
            title=text.get("title", page.title),
            text="\n".join(part for part in words if part),
            url=url,
        )
    ]


def entry_for_faq(faq):
    return SearchEntry(
        kind="faq", key=faq.anchor, title=faq.question, text=plain_text(faq.answer_html), url=faq.get_absolute_url()
    )


def entry_for_term(term):
    return SearchEntry(
        kind="term",
        key=term.slug,
        title=term.term,
        text=f"{term.aliases}\n{plain_text(term.definition_html)}",
        url=term.get_absolute_url(),
    )


def rebuild_index():
    """Every entry again (after a sync): a few hundred rows, one transaction."""
    SearchEntry.objects.all().delete()
    SearchEntry.objects.bulk_create(
        entry
        for content_type in content_types.CONTENT_TYPES
        if content_type.search_kinds
        for obj in content_type.model.objects.all()
        for entry in entries_for(obj)
    )
    search.store_documents()


def update(saved, deleted):
    """The entries of ``saved`` and ``deleted`` objects, brought up to date."""
    for obj in [*saved, *deleted]:
        content_type = content_types.of(obj)
        if isinstance(obj, Translation):  # its page's entry in its language
            SearchEntry.objects.filter(language=obj.language, key=obj.of_key).delete()
        elif content_type.search_kinds:
            # Under its key now, and before (a renamed slug), if it was live.
            keys = {content_type.key(version) for version in (obj, getattr(obj, "_live", None)) if version}
            entries = SearchEntry.objects.filter(kind__in=content_type.search_kinds, key__in=keys)
            entries.filter(language=settings.LANGUAGE_CODE).delete()
    SearchEntry.objects.bulk_create(entry for obj in saved for entry in entries_for(obj))
    search.store_documents()
