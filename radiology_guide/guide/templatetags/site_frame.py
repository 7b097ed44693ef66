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
from django.urls import reverse
from django.utils.safestring import mark_safe

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


@functools.lru_cache(maxsize=128)
def _render(template_name, clinic_values, current):
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
    return _render(template_name, tuple(getattr(clinic, field) for field in CLINIC_FIELDS), current)


@register.simple_tag(takes_context=True)
def site_header(context):
    return _frame(context, "includes/header.html")


@register.simple_tag(takes_context=True)
def site_footer(context):
    return _frame(context, "includes/footer.html")
