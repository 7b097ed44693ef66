from django.core.management.base import BaseCommand, CommandError

from radiology_guide.enquiries.models import Enquiry, LinkMessage, erase_contact


class Command(BaseCommand):
    help = (
        "Erase every enquiry from one email address or phone number, and every link message sent to it"
        " (a person's right to erasure)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", default="")
        parser.add_argument("--phone", default="")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, email="", phone="", dry_run=False, **options):
        if not email and not phone:
            raise CommandError("Give --email or --phone (or both).")
        if dry_run:
            enquiries = Enquiry.objects.from_contact(email, phone).count()
            sent = LinkMessage.objects.to_contact(email, phone).count()
            self.stdout.write(f"erase_enquiries: {enquiries} enquiry(s) and {sent} link message(s) would be erased")
            return
        enquiries, sent = erase_contact(email, phone)
        self.stdout.write(f"erase_enquiries: erased {enquiries} enquiry(s) and {sent} link message(s)")
