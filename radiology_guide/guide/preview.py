"""A draft shown exactly as a patient would see it: the public page's own
template and CSS, with the draft in place of the live content.

Two ways in: a button on the admin change form (staff, /admin/...), and a
signed link that works for 7 days without an account (/preview/<token>/),
for a clinician asked to read a draft. The link names the draft it was made
for: a newer draft, or publishing, ends it (it then says it has expired). Neither is ever cached or indexed:
both prefixes are private areas (core/paths.py), and every preview response
says ``no-store`` and ``noindex``.
"""

import datetime

from django.core import signing
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from radiology_guide.guide import changes, content_types, drafts, pages, prerender, translations
from radiology_guide.guide.models import Page, Translation

SALT = "radiology_guide.guide.preview"
LINK_LIFETIME = datetime.timedelta(days=7)


def _version(obj):
    """What a link shows: the draft (its id, and when it was saved), or the
    published version when there is none. A newer draft or a publish changes it."""
    draft = drafts.draft_of(obj)
    if draft is not None:
        return [draft.pk, draft.saved_at.isoformat()]
    return [None, obj.updated_at.isoformat()]


def token_for(obj) -> str:
    return signing.dumps({"m": content_types.of(obj).name, "id": obj.pk, "v": _version(obj)}, salt=SALT)


def signed_link(request, obj) -> str:
    return request.build_absolute_uri(reverse("guide:preview", args=[token_for(obj)]))


def from_token(token):
    """The object a signed link names, or None (expired, forged, deleted, or
    no longer showing the version it was made for)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_LIFETIME)
        content_type = content_types.BY_NAME[data["m"]]
    except (signing.BadSignature, KeyError, TypeError):
        return None
    obj = content_type.model.objects.filter(pk=data["id"]).first()
    if obj is None or data.get("v") != _version(obj):
        return None
    return obj


def _never_kept(response):
    add_never_cache_headers(response)  # Cache-Control: ... no-store, private
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def response(request, obj, actions=None):
    """The public page that shows ``obj``, with ``obj``'s draft in it and what
    differs from the live page marked. ``actions``: a clinician's "Approve and
    publish" (guide/clinical_review.py), on the admin preview only."""
    if isinstance(obj, Translation):
        return _never_kept(_translation_response(request, obj, actions))
    draft = drafts.draft_of(obj)
    content_type = content_types.of(obj)
    guide_page = isinstance(obj, Page) and obj.kind != Page.Kind.PAGE
    if guide_page:
        live = {"main_html": obj.main_html or prerender.render_main(obj)}
    else:
        live = {name: getattr(obj, name) for name in content_type.html_fields}
    drafts.with_draft(obj)
    if guide_page:
        obj.main_html = prerender.render_main(obj)  # the draft's, not the stored one
    if draft:
        for name, html in live.items():
            setattr(obj, name, changes.mark_changes(html, getattr(obj, name)))
    if isinstance(obj, Page):
        page, replace = obj, None
    else:
        page, replace = Page.objects.get(slug=content_type.public_slug(obj)), obj
    template, context = pages.page_template_and_context(page, replace)
    if guide_page:
        context["main_html"] = mark_safe(obj.main_html)  # noqa: S308 - marked here, even with DEBUG on
    context |= {
        "noindex": True,
        "preview_note": (
            "Preview of a draft: patients do not see these changes until they are published. "
            "Changes from the published page are marked: words put in are highlighted, words taken out struck through."
            if draft
            else "Preview: this is the published page; there are no unpublished changes."
        ),
        "preview_actions": actions,
    }
    return _never_kept(render(request, template, context))


def _translation_response(request, obj, actions):
    """A translation's draft on its page, in its language (issue 23)."""
    draft = drafts.draft_of(obj)
    live_html = obj.main_html
    drafts.with_draft(obj)
    page = Page.objects.get(slug=obj.of_key)
    with translation.override(obj.language):
        html = translations.render(obj, page)
        if draft and live_html:
            html = changes.mark_changes(live_html, html)
        shown = translations.translated_page(page, obj)
        context = {
            "page": shown,
            "main_html": mark_safe(html),  # noqa: S308 - our templates, sanitised text
            "noindex": True,
            "preview_note": (
                "Preview of a draft translation: patients do not see it until it is published."
                if draft
                else "Preview: this is the published translation; there are no unpublished changes."
            ),
            "preview_actions": actions,
        }
        return render(request, "guide/guide_page.html", context)


def expired(request):
    response = render(
        request,
        "guide/preview_expired.html",
        {"noindex": True, "days": LINK_LIFETIME.days},
        status=410,
    )
    return _never_kept(response)


@require_safe
def view(request, token):
    """A draft, exactly as a patient would see it, for anyone holding a signed
    link (a clinician without an account); the link expires after 7 days."""
    obj = from_token(token)
    if obj is None:
        return expired(request)
    return response(request, obj)
