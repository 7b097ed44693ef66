from django.core.management.base import BaseCommand

from radiology_guide.staff.tasks import send_overdue_digest


class Command(BaseCommand):
    help = (
        "Email the clinic the enquiries nobody has contacted within ENQUIRY_REPLY_DAYS working days. "
        "Run it once a day (cron or a systemd timer); the email goes through the Tasks worker."
    )

    def handle(self, *args, **options):
        result = send_overdue_digest.enqueue()
        self.stdout.write(f"send_overdue_digest: queued ({result.status})")
