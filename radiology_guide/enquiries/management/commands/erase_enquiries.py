from django.core.management.base import BaseCommand, CommandError

from radiology_guide.enquiries.models import Enquiry


class Command(BaseCommand):
    help = "Erase every enquiry from one email address or phone number (a person's right to erasure)."

    def add_arguments(self, parser):
        parser.add_argument("--email", default="")
        parser.add_argument("--phone", default="")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, email="", phone="", dry_run=False, **options):
        if not email and not phone:
            raise CommandError("Give --email or --phone (or both).")
        matches = Enquiry.objects.from_contact(email, phone)
        if dry_run:
            self.stdout.write(f"erase_enquiries: {matches.count()} enquiry(s) would be erased")
            return
        deleted = matches.delete()[1].get("enquiries.Enquiry", 0)
        self.stdout.write(f"erase_enquiries: erased {deleted} enquiry(s)")
