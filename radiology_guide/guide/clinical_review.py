"""Asking clinicians for their approval, and giving it from a preview.

What awaits review is listed on the admin home page; "Ask for clinical
approval" emails the clinicians (users with ``approve_page``) a signed preview
link through the Tasks worker; "Approve and publish" on a preview or a
revision publishes the draft and records the approval. Publishing itself is
guide/publishing.py's, with its rules; this module only decides whether to
offer the button, and calls it.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from radiology_guide.guide import content_types, drafts, preview, publishing
from radiology_guide.guide.models import APPROVED, Page, Revision


def awaiting_review():
    """Pages patients are told are "Not yet checked by our radiologists":
    (never approved, approved once but changed since)."""
    approved_once = set(
        Revision.objects.filter(model="page", action=Revision.Action.APPROVED).values_list("object_id", flat=True)
    )
    pages = list(Page.objects.exclude(review_status=APPROVED).order_by("kind", "order", "title"))
    return [p for p in pages if p.pk not in approved_once], [p for p in pages if p.pk in approved_once]


def clinicians(exclude=None):
    """Active users who may record clinical approval, with an email address."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return [user for user in users if user.has_perm(publishing.APPROVE_PERMISSION)]


def send_approval_request(model, object_id, asked_by_id=None) -> int:
    """The email itself (run by the worker); returns how many it went to."""
    obj = content_types.BY_NAME[model].model.objects.filter(pk=object_id).first()
    asked_by = get_user_model().objects.filter(pk=asked_by_id).first()
    recipients = [user.email for user in clinicians(exclude=asked_by)]
    if obj is None or not recipients:
        return 0
    context = {
        "obj": obj,
        "asked_by": asked_by.get_full_name() or asked_by.get_username() if asked_by else "An editor",
        "draft": drafts.draft_of(obj),
        "preview_link": settings.SITE_URL + reverse("guide:preview", args=[preview.token_for(obj)]),
        "preview_days": preview.LINK_LIFETIME.days,
        "admin_preview": settings.SITE_URL + reverse(f"admin:guide_{model}_preview", args=[obj.pk]),
        "awaiting": len(awaiting_review()[0]),
    }
    send_mail(
        f"Clinical approval asked for: {obj}",
        render_to_string("emails/approval_request.txt", context),
        None,
        recipients,
    )
    return len(recipients)


def _last_edited_by(obj, draft):
    if draft is not None:
        return draft.saved_by_id
    edits = Revision.objects.filter(model=content_types.of(obj).name, object_id=obj.pk)
    last = edits.exclude(action__in=[Revision.Action.APPROVED, Revision.Action.EXPORTED]).first()
    return last.saved_by_id if last else None


def refusal(obj, user):
    """Why ``user`` may not approve and publish ``obj`` now, or None if they may."""
    if not user.has_perm(publishing.APPROVE_PERMISSION):
        return "Only a clinician who approves content can approve it."
    draft = drafts.draft_of(obj)
    if draft is None and (not isinstance(obj, Page) or obj.is_approved):
        return "There is nothing waiting for approval."
    if draft is not None:
        try:
            publishing.check_can_publish(user, draft)
        except publishing.NotAllowed as refused:
            return str(refused)
    # Never one's own edit, whether or not publishing needs approval: none of
    # the changes since the last approval may be theirs (guide/approval.py).
    if _last_edited_by(obj, draft) == user.pk:
        return "The last edit is yours: another clinician must approve it before it is published."
    if isinstance(obj, Page):
        try:
            publishing.check_can_approve(user, obj)
        except publishing.NotAllowed as refused:
            return str(refused)
    return None


def approve_and_publish(obj, user):
    """Publish ``obj``'s draft, if it has one, and record ``user``'s approval
    of the page. Raises publishing.NotAllowed with the reason otherwise."""
    if reason := refusal(obj, user):
        raise publishing.NotAllowed(reason)
    draft = drafts.draft_of(obj)
    if draft is None:
        if refused := publishing.approve([Page.objects.get(pk=obj.pk)], user):
            raise publishing.NotAllowed(refused[0])
        return obj
    obj = publishing.publish_draft(draft, user)
    if isinstance(obj, Page):
        page = Page.objects.get(pk=obj.pk)
        if not page.is_approved:  # publishing approves it only when approval is required
            publishing.approve([page], user, checked_before_publishing=True)
    return obj


def may_publish(user, draft) -> bool:
    """Whether "Save and publish" can work for ``user``: publishing's own
    check, with the draft there is now (any edit they make is theirs)."""
    try:
        publishing.check_can_publish(user, draft)
    except publishing.NotAllowed:
        return False
    return True


def waits_for_approval(obj) -> bool:
    return drafts.draft_of(obj) is not None or (isinstance(obj, Page) and not obj.is_approved)


def actions(user, obj):
    """What a clinician sees on a preview or a revision: "Approve and publish"
    (its address), or why not. None for anyone else, or when nothing waits."""
    if not user.has_perm(publishing.APPROVE_PERMISSION) or not waits_for_approval(obj):
        return None
    name = content_types.of(obj).name
    return {
        "url": reverse(f"admin:guide_{name}_approve_and_publish", args=[obj.pk]),
        "refusal": refusal(obj, user),
        "change_url": reverse(f"admin:guide_{name}_change", args=[obj.pk]),
    }
