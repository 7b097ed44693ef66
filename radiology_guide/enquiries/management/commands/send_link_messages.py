from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from radiology_guide.enquiries import messaging
from radiology_guide.enquiries.models import LinkMessage


class Command(BaseCommand):
    help = (
        "Send every text message or email with a link still waiting after a minute (a lost task). Safe on a schedule."
    )

    def handle(self, *args, **options):
        waiting = LinkMessage.objects.filter(
            status=LinkMessage.Status.QUEUED, created_at__lt=timezone.now() - timedelta(minutes=1)
        ).values_list("pk", flat=True)
        tried = later = 0
        for pk in list(waiting):
            tried += 1
            try:
                messaging.send(pk)
            except messaging.TryLater:
                later += 1
        self.stdout.write(f"send_link_messages: {tried - later} sent, {later} still waiting")
