from django.conf import settings
from django.core.management.base import BaseCommand

from radiology_guide.enquiries.models import Enquiry, EnquiryLink, LinkMessage


class Command(BaseCommand):
    help = "Delete enquiries, and link messages with their numbers, older than ENQUIRY_RETENTION_DAYS. Run daily."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would be deleted, delete nothing")
        parser.add_argument("--days", type=int, default=None, help="override ENQUIRY_RETENTION_DAYS")

    def handle(self, *args, dry_run=False, days=None, **options):
        days = settings.ENQUIRY_RETENTION_DAYS if days is None else days
        old = Enquiry.objects.older_than(days)
        # The numbers and addresses that links were sent to go by the same rule.
        old_messages = LinkMessage.objects.older_than(days)
        if dry_run:
            self.stdout.write(
                f"purge_enquiries: {old.count()} enquiry(s) older than {days} days would be deleted,"
                f" and {old_messages.count()} link message(s)"
            )
            return
        deleted = old.delete()[1].get("enquiries.Enquiry", 0)
        messages = old_messages.delete()[0]
        # A link's appointment (its date, time and the unit's instructions) too.
        EnquiryLink.objects.older_than(days).forget_appointments()
        self.stdout.write(
            f"purge_enquiries: deleted {deleted} enquiry(s) older than {days} days, and {messages} link message(s)"
        )
