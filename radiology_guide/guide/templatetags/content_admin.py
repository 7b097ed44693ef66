"""The admin home page's panel: what is waiting for editors and clinicians."""

from django import template
from django.urls import reverse

from radiology_guide.guide import clinical_review, waiting

register = template.Library()


@register.inclusion_tag("admin/guide/waiting_panel.html", takes_context=True)
def waiting_panel(context):
    user = context["request"].user
    if not user.has_perm("guide.view_page"):
        return {"show": False}
    now = waiting.waiting()
    first_review, review_again = clinical_review.awaiting_review()
    return {
        "show": True,
        "drafts": [(obj, draft, _draft_url(obj, draft)) for obj, draft in now["drafts"]],
        "due_soon": [(page, reverse("admin:guide_page_change", args=[page.pk])) for page in now["due_soon"]],
        "overdue": [(page, reverse("admin:guide_page_change", args=[page.pk])) for page in now["overdue"]],
        "first_review": [(page, reverse("admin:guide_page_change", args=[page.pk])) for page in first_review],
        "review_again": [(page, reverse("admin:guide_page_change", args=[page.pk])) for page in review_again],
        "days": waiting.REVIEW_WARNING_DAYS,
    }


def _draft_url(obj, draft):
    # A new object's draft has no change form yet: it is read in Drafts waiting.
    if obj.pk is None:
        return reverse("admin:guide_draft_change", args=[draft.pk])
    return reverse(f"admin:guide_{draft.model}_change", args=[obj.pk])
