"""bench/dashboard: how long the staff dashboard and inbox take with a busy
clinic's data: 100,000 enquiries over a year, 5,000 links, 90% contacted
(within about a day) and closed after a fortnight, 10% never reached.

Builds a throwaway database (a temporary SQLite file, or DATABASE_URL if set,
for example postgres://postgres@127.0.0.1:5432/bench_dashboard), fills it with
bulk inserts, then requests each page through Django's test client (the
whole middleware stack, two-factor off) and prints the median and slowest time
of --runs requests per page.

    .venv/bin/python bench/dashboard.py [--enquiries 100000] [--runs 20]
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def status_for(now, received, contacted):
    """As in a clinic that keeps up: contacted enquiries are closed within a fortnight."""
    if contacted is None:
        return "new"
    return "closed" if now - received > timedelta(days=14) else "contacted"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enquiries", type=int, default=100_000)
    parser.add_argument("--links", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    warnings.filterwarnings("ignore", message="No directory at")  # static files are not collected here
    workdir = tempfile.mkdtemp(prefix="bench-dashboard-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ.update(DJANGO_SETTINGS_MODULE="radiology_guide.settings", REQUIRE_STAFF_MFA="false", LOG_LEVEL="WARNING")
    # Plain static storage: the pages name their files without a collectstatic run.
    os.environ["STATICFILES_BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from radiology_guide.enquiries.models import Enquiry, EnquiryLink, new_link_token, new_reference

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("sync_content", verbosity=0)
    staff = [User.objects.create_superuser(f"staff{n}", password="a-long-bench-password") for n in range(8)]
    topics = [(f"topic-{n}", f"Topic {n}") for n in range(29)]
    now, rng = timezone.now(), random.Random(16)
    started = time.perf_counter()
    links = EnquiryLink.objects.bulk_create(
        EnquiryLink(token=new_link_token(), topic=slug, topic_title=title, created_by=rng.choice(staff),
                    created_at=now - timedelta(days=rng.uniform(0, 365)), opens=rng.randint(0, 5))
        for slug, title in (rng.choice(topics) for _ in range(args.links))
    )  # fmt: skip
    batch = []
    for n in range(args.enquiries):
        received = now - timedelta(days=rng.uniform(0, 365))
        slug, title = rng.choice(topics)
        contacted = received + timedelta(hours=rng.expovariate(1 / 20)) if rng.random() < 0.9 else None
        batch.append(
            Enquiry(reference=new_reference(), received_at=received, name=f"Patient {n}", phone="07700 900000",
                    phone_digits="07700900000", preferred_contact="phone", topic=slug, topic_title=title,
                    consent_at=received, submission_token=f"bench-{n}", link=rng.choice(links) if n % 3 == 0 else None,
                    status=status_for(now, received, contacted), first_contacted_at=contacted,
                    first_contact_seconds=int((contacted - received).total_seconds()) if contacted else None)
        )  # fmt: skip
        if len(batch) == 5000:
            Enquiry.objects.bulk_create(batch)
            batch = []
    Enquiry.objects.bulk_create(batch)
    # What autovacuum (PostgreSQL) or a periodic ANALYZE (SQLite) would have
    # done by now: table statistics, and PostgreSQL's index-only scans.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"filled in {time.perf_counter() - started:.1f} s: {Enquiry.objects.count()} enquiries, {len(links)} links")

    client = Client()
    client.force_login(staff[0])
    pages = ["/staff/dashboard/", "/staff/dashboard/?days=365", "/staff/enquiries/", "/staff/enquiries/?show=overdue"]
    database = os.environ["DATABASE_URL"].split(":")[0]
    print(f"{'page':40} {'median ms':>10} {'max ms':>8}   ({args.runs} runs, {database})")
    for path in pages:
        assert client.get(path).status_code == 200, path  # warm up
        times = []
        for _ in range(args.runs):
            begin = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - begin) * 1000)
        print(f"{path:40} {statistics.median(times):10.1f} {max(times):8.1f}")


if __name__ == "__main__":
    main()
