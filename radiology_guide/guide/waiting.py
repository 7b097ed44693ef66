"""What is waiting for editors and clinicians: the admin home panel and the
daily reminder email (sent by the Tasks worker, guide/tasks.py)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from radiology_guide.guide.drafts import draft_object
from radiology_guide.guide.models import Draft, Page

REVIEW_WARNING_DAYS = 30


def waiting(today=None):
    """Drafts waiting to be published, pages due for review in the next 30
    days, and pages whose review is overdue."""
    today = today or timezone.localdate()
    drafts = []
    for draft in Draft.objects.select_related("saved_by").order_by("saved_at"):
        obj = draft_object(draft)
        if obj is not None:
            drafts.append((obj, draft))
    soon = today + timezone.timedelta(days=REVIEW_WARNING_DAYS)
    return {
        "drafts": drafts,
        "due_soon": list(
            Page.objects.filter(next_review_due__gte=today, next_review_due__lte=soon).order_by("next_review_due")
        ),
        "overdue": list(Page.objects.review_overdue(today).order_by("next_review_due")),
    }


def editors():
    """Active users who may change pages, with an email address."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return [user for user in users if user.has_perm("guide.change_page")]


def send_review_reminders(today=None) -> int:
    waiting_now = waiting(today)
    if not any(waiting_now.values()):
        return 0
    recipients = [user.email for user in editors()]
    if not recipients:
        return 0
    admin_home = settings.SITE_URL + reverse("admin:index")
    text = render_to_string("emails/review_reminder.txt", waiting_now | {"admin_home": admin_home})
    send_mail("Content waiting: drafts and reviews", text, None, recipients)
    return len(recipients)
