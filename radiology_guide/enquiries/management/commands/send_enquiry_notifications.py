from django.core.management.base import BaseCommand

from radiology_guide.enquiries.models import Enquiry
from radiology_guide.enquiries.notifications import notify


class Command(BaseCommand):
    help = "Send the clinic's notification for every enquiry not yet notified. Safe to run on a schedule."

    def handle(self, *args, **options):
        pending = list(Enquiry.objects.pending_notification().order_by("received_at").values_list("pk", flat=True))
        sent = sum(1 for pk in pending if notify(pk))
        self.stdout.write(f"send_enquiry_notifications: {sent} sent, {len(pending) - sent} still pending")
