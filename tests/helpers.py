"""Helpers that tests import (fixtures live in conftest.py)."""

import json
import re
import secrets

from django.core import signing
from django.utils import timezone

from radiology_guide.enquiries.forms import TOKEN_SALT

# A real SMTP mailer pointed at a port where nothing listens: the mail server is down.
MAIL_SERVER_DOWN = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 1},
    }
}


def form_token(seconds_ago=60, nonce=None):
    """A form token as if the form had been shown some seconds ago."""
    issued = int(timezone.now().timestamp()) - seconds_ago
    return signing.dumps({"n": nonce or secrets.token_urlsafe(16), "t": issued}, salt=TOKEN_SALT)


def error_summary(html):
    match = re.search(r'<div class="govuk-error-summary".*?</div>', html, re.S)
    return match.group(0) if match else ""


def change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def page_form(page, **changes):
    """The admin form's data for ``page`` as it is, with ``changes``.
    ``sources`` and ``related`` may be given as JSON (a list of sources, a
    list of slugs): they are sent as the form's rows and chosen pages."""
    from radiology_guide.guide.models import Page

    radiation = {True: "true", False: "false", None: "unknown"}[page.ionising_radiation]
    data = {
        "title": page.title, "slug": page.slug, "kind": page.kind, "summary": page.summary, "order": page.order,
        "body": page.body, "caption": page.caption, "duration": page.duration, "ionising_radiation": radiation,
        "dose_band": page.dose_band, "dose": page.dose, "sedation": page.sedation, "usual_stay": page.usual_stay,
        "review_status": page.review_status,
    }  # fmt: skip
    if page.sedation_aftercare:
        data["sedation_aftercare"] = "on"
    for name in ("dose_source", "preparation", "warning_signs", "risks"):
        data[name] = json.dumps(getattr(page, name))
    sources = json.loads(changes.pop("sources", "null")) or page.sources
    data["sources-name"] = [source["name"] for source in sources]
    data["sources-url"] = [source["url"] for source in sources]
    related = json.loads(changes.pop("related", "null")) or page.related
    by_slug = dict(Page.objects.filter(slug__in=related).values_list("slug", "pk"))
    data["related_pages"] = [by_slug[slug] for slug in related if slug in by_slug]
    data.update(changes)
    return data
