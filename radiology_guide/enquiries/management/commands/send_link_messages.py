from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from radiology_guide.enquiries import messaging
from radiology_guide.enquiries.models import LinkMessage


class Command(BaseCommand):
    help = (
        "Send every text message or email with a link still waiting after a minute (a lost task), and every "
        "reminder from a patient's plan that is due. Safe on a schedule (every few minutes for reminders)."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        # Reminders from patients' plans once they are due; anything else after a minute.
        due = Q(send_after__isnull=True, created_at__lt=now - timedelta(minutes=1)) | Q(send_after__lte=now)
        waiting = LinkMessage.objects.filter(due, status=LinkMessage.Status.QUEUED).values_list("pk", flat=True)
        tried = later = 0
        for pk in list(waiting):
            tried += 1
            try:
                messaging.send(pk)
            except messaging.TryLater:
                later += 1
        self.stdout.write(f"send_link_messages: {tried - later} sent, {later} still waiting")
