from django.core.management.base import BaseCommand

from radiology_guide.guide.tasks import send_review_reminders


class Command(BaseCommand):
    help = (
        "Queue today's email to content editors: drafts waiting to publish, reviews due in 30 days, "
        "overdue reviews. Run once a day (docs/editing.md); the Tasks worker sends it."
    )

    def handle(self, *args, **options):
        result = send_review_reminders.enqueue()
        self.stdout.write(f"send_review_reminders: queued ({result.id})")
