"""The site's header and footer, rendered once per process for each clinic
details and page, instead of on every request.

They are the same on every page but for which menu item is current, and
they depend on nothing else but the clinic's details and the site's URLs.
So each is memoised on exactly those inputs: a change to the clinic's
details is a new key, never a stale copy. (Rendering them was a quarter of
the time an uncached guide page took; see the README's "Benchmarks".)
"""

import functools
import types

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from radiology_guide.guide.models import Page
from radiology_guide.guide.sitemaps import languages_of
from radiology_guide.guide.translations import IN_ENGLISH

register = template.Library()

# What the header and footer link to. URLs only change when the code does.
SITE_LINKS = {
    "home": ("guide:home", ()),
    "search": ("guide:search", ()),
    "diagnostic": ("guide:section", ("diagnostic-radiology",)),
    "interventional": ("guide:section", ("interventional-radiology",)),
    "procedures": ("guide:procedures", ()),
    "compare": ("guide:compare", ()),
    "faqs": ("guide:faqs", ()),
    "glossary": ("guide:glossary", ()),
    "enquire": ("enquiries:form", ()),
    "contact": ("guide:contact", ()),
    "site_map": ("guide:site_map", ()),
    "visiting": ("guide:visiting", ()),
    "privacy": ("guide:privacy", ()),
    "accessibility": ("guide:accessibility", ()),
    "sitemap": ("sitemap", ()),
}

CLINIC_FIELDS = ("name", "phone", "email", "address", "opening_hours")


@functools.lru_cache(maxsize=256)
def _render(template_name, clinic_values, current, language):
    # ``language``: the active one, part of the key (its words and its addresses).
    clinic = types.SimpleNamespace(**dict(zip(CLINIC_FIELDS, clinic_values, strict=True)))
    links = {key: reverse(name, args=args) for key, (name, args) in SITE_LINKS.items()}
    context = {"clinic": clinic, "site_links": links, "current": current}
    return mark_safe(render_to_string(template_name, context))  # noqa: S308 - our own template, autoescaped


def _frame(context, template_name):
    clinic = context["clinic"]
    match = getattr(context.get("request"), "resolver_match", None)
    current = match.url_name if match else None
    if current == "section":  # the two sides each have a menu item of their own
        current = f"section:{match.kwargs.get('slug')}"
    if settings.DEBUG:  # a template edit shows on the next request
        _render.cache_clear()
    clinic_values = tuple(getattr(clinic, field) for field in CLINIC_FIELDS)
    return _render(template_name, clinic_values, current, translation.get_language())


def _in_each_language(request):
    """(code, name, address) for each of settings.LANGUAGES: this page's
    address in that language (urls.py: English unprefixed); on a page that
    is not there (a 404), each language's home page."""
    if request is None or getattr(request, "resolver_match", None) is None:
        links = []
        for code, name in settings.LANGUAGES:
            with translation.override(code):
                links.append((code, name, reverse("guide:home")))
        return links
    return [(code, name, translate_url(request.path, code)) for code, name in settings.LANGUAGES]


def html_lang(code):
    """A language code as HTML and hreflang write it: "en-GB", "pl"."""
    language, _, region = code.partition("-")
    return f"{language}-{region.upper()}" if region else language


@register.simple_tag
def written_in_english(shown=None):
    """The attributes of a passage only written in English (a picture's words,
    the titles of the sources; with ``shown``, a page's title and summary when
    ``translations.retitle`` left it in English) on a page in another
    language, so a screen reader reads it in an English voice (WCAG 3.1.2);
    nothing on English pages."""
    if translation.get_language() == settings.LANGUAGE_CODE:
        return ""
    if shown is not None and not getattr(shown, "in_english", False):
        return ""
    return mark_safe(IN_ENGLISH)  # noqa: S308 - a fixed string


@register.filter(name="html_lang")
def html_lang_filter(code):
    return html_lang(code)


@register.inclusion_tag("includes/languages.html", takes_context=True)
def language_list(context):
    """The header's list of languages, each named in itself, each a plain
    link to this page in that language (no JavaScript, no cookie)."""
    current = translation.get_language()
    links = [
        {"code": html_lang(code), "name": name, "url": url, "current": code == current}
        for code, name, url in _in_each_language(context.get("request"))
    ]
    return {"languages": links}


@register.simple_tag(takes_context=True)
def language_alternates(context):
    """<link rel="alternate" hreflang> for this page in every language, and
    x-default (the English), so search engines offer each reader theirs."""
    request, page = context.get("request"), context.get("page")
    if request is None or getattr(request, "resolver_match", None) is None:
        return ""
    written_in = languages_of(page) if isinstance(page, Page) else [code for code, _name in settings.LANGUAGES]
    links = [
        (html_lang(code), request.build_absolute_uri(url))
        for code, _name, url in _in_each_language(request)
        if code in written_in
    ]
    links.append(("x-default", links[0][1]))
    return mark_safe(  # noqa: S308 - language codes from settings, addresses escaped below
        "\n  ".join(f'<link rel="alternate" hreflang="{code}" href="{escape(url)}">' for code, url in links)
    )


@register.simple_tag(takes_context=True)
def site_header(context):
    return _frame(context, "includes/header.html")


@register.simple_tag(takes_context=True)
def site_footer(context):
    return _frame(context, "includes/footer.html")


@register.inclusion_tag("includes/translation_notice.html", takes_context=True)
def translation_notice(context):
    """On a content page in another language than English: who translated
    it and who checked it, or that it is not translated yet (issue 23)."""
    page, language = context.get("page"), translation.get_language()
    if page is None or language == settings.LANGUAGE_CODE or not hasattr(page, "translation"):
        return {"show": False}
    request = context.get("request")
    english_url = translate_url(request.path, settings.LANGUAGE_CODE) if request else "/"
    clinic = context.get("clinic")
    phone = getattr(clinic, "phone", "")
    return {
        "show": True,
        # A link, so that its digits keep their order in a right-to-left language (site.css).
        "phone_link": format_html('<a href="tel:{}">{}</a>', phone.replace(" ", ""), phone),
        "translation": page.translation,
        "withdrawn": getattr(page, "translation_withdrawn", False),
        "english_url": english_url,
    }
