"""Who may put a change in front of patients: the rules guide/publishing.py
checks before anything reaches them (issue 19).

* Publishing a draft needs ``publish_content``. With
  ``PUBLISH_REQUIRES_APPROVAL`` publishing records clinical approval, so it
  also needs ``approve_page``, and the approver must have made none of the
  changes since the object was last approved by someone else: not the
  draft's last save only, but every revision since (a clinician's own edit
  does not become approvable because a colleague touched one field).
* Recording approval of a live page (the admin action) follows the same rule,
  over the page and, for a list page, its FAQs, rows or terms.
* A change made outside a draft (a picture in the library, a deletion, the
  clinic's details, a synonym) reaches patients at once, so it needs what
  publishing it would: ``publish_content``, and ``approve_page`` as well when
  approval is required. Such a change is its maker's own approval; pages that
  show it say so in their history (``publishing.cover``).
"""

from django.conf import settings

from radiology_guide.guide import content_types
from radiology_guide.guide.models import Revision

PUBLISH_PERMISSION = "guide.publish_content"
APPROVE_PERMISSION = "guide.approve_page"

#: What a person did to the words (an approval, a sync or an export is not a change by them).
CHANGES = (Revision.Action.DRAFT, Revision.Action.PUBLISHED, Revision.Action.RESTORED, Revision.Action.DELETED)


class NotAllowed(Exception):
    """Publishing refused; the message says why, in words for an editor."""


def may_change_live(user) -> bool:
    """Whether ``user`` may make a change that patients see at once."""
    if user is None or not user.has_perm(PUBLISH_PERMISSION):
        return False
    return not settings.PUBLISH_REQUIRES_APPROVAL or user.has_perm(APPROVE_PERMISSION)


def check_can_change_live(user):
    if not may_change_live(user):
        if settings.PUBLISH_REQUIRES_APPROVAL:
            raise NotAllowed(
                "Patients would see this change at once: only a clinician who approves content can make it."
            )
        raise NotAllowed("Patients would see this change at once: only someone allowed to publish may make it.")


def made_changes_since_approval(user, history) -> bool:
    """Whether ``user`` made any of the changes in ``history`` (revisions)
    since the last approval in it by someone else."""
    last = history.filter(action=Revision.Action.APPROVED).exclude(saved_by=user).order_by("-pk").first()
    mine = history.filter(saved_by=user, action__in=CHANGES)
    if last is not None:
        mine = mine.filter(pk__gt=last.pk)
    return mine.exists()


def check_can_publish(user, draft=None):
    """Raise NotAllowed unless ``user`` may publish ``draft`` (or an edit of
    their own, when ``draft`` is None)."""
    if user is None or not user.has_perm(PUBLISH_PERMISSION):
        raise NotAllowed("You do not have permission to publish.")
    if settings.PUBLISH_REQUIRES_APPROVAL:
        if not user.has_perm(APPROVE_PERMISSION):
            raise NotAllowed("Publishing records clinical approval: only a clinician who approves content can publish.")
        if draft is None or draft.saved_by_id == user.pk:
            raise NotAllowed("The last edit is yours: another clinician must approve it before it is published.")
        if draft.object_id is not None:
            history = Revision.objects.filter(model=draft.model, object_id=draft.object_id)
            if made_changes_since_approval(user, history):
                raise NotAllowed(
                    "Some of the changes since the last approval are yours: another clinician must approve them."
                )


def check_can_approve(user, page):
    """Raise NotAllowed unless ``user`` may record approval of live ``page``."""
    if user is None or not user.has_perm(APPROVE_PERMISSION):
        raise NotAllowed("You do not have permission to record clinical approval.")
    page_history = Revision.objects.filter(model="page", object_id=page.pk)
    last = page_history.filter(action=Revision.Action.APPROVED).exclude(saved_by=user).order_by("-pk").first()
    children = [ct.name for ct in content_types.CONTENT_TYPES if getattr(ct.model, "PARENT_SLUG", None) == page.slug]
    history = page_history | Revision.objects.filter(model__in=children)
    if last is not None:
        history = history.filter(pk__gt=last.pk)
    if history.filter(saved_by=user, action__in=CHANGES).exists():
        raise NotAllowed(f"“{page}”: some of the changes since its last approval are yours.")
