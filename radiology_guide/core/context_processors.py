import functools

from django.urls import reverse

from radiology_guide.core.models import ClinicDetails

# What the header and footer link to on every page. URLs only change when the
# code does, so they are reversed once per process instead of 16 times per
# page (measured: a third of the time it took to render the header).
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
    "privacy": ("guide:privacy", ()),
    "accessibility": ("guide:accessibility", ()),
    "sitemap": ("sitemap", ()),
}


@functools.cache
def site_links():
    return {key: reverse(name, args=args) for key, (name, args) in SITE_LINKS.items()}


def clinic(request):
    return {"clinic": ClinicDetails.load(), "site_links": site_links()}
