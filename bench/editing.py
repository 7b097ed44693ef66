"""bench/editing: what an editor waits for in admin, and a sync from scratch.

Runs in one process against a throwaway SQLite database and file cache (in a
temporary folder, removed afterwards), with production settings (DEBUG off),
through Django's test client and the real admin URLs:

* sync_content into an empty database (every page, FAQ, row and term);
* saving one page: "Save draft", and "Save and publish" (median of 7);
* deleting 100 glossary terms with the admin's "Delete selected" action.

It prints each figure with its target (issue 14) and the queries it took.
Usage: bench/editing [--content FOLDER]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TARGETS = {"sync": 5.0, "save": 0.150, "delete": 2.0}


def timed(action):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        result = action()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return (seconds, cpu), len(queries), result


def _figure(seconds):
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def report(name, label, times, queries):
    """Wall-clock time, and the CPU time of this process (on a shared machine
    the wall clock also counts waiting for a core)."""
    (seconds, cpu), target = times, TARGETS[name]
    verdict = "ok" if seconds < target else "OVER TARGET"
    print(
        f"{label:<52} {_figure(seconds):>8} (CPU {_figure(cpu):>7}) {queries:>4} queries"
        f"  target < {target:g} s: {verdict}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=REPO / "content")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-editing-") as folder:
        os.environ.update(
            DATABASE_URL=f"sqlite:///{folder}/bench.sqlite3",
            CACHE_URL=f"file://{folder}/cache",
            DEBUG="false",
            CONTENT_DIR=str(args.content),
        )
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "radiology_guide.settings")
        import django

        django.setup()
        from django.conf import settings

        # No collectstatic here: admin pages name static files, none is served.
        settings.STORAGES = settings.STORAGES | {
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        }
        run(args.content)


def run(content):
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from radiology_guide.guide import publishing
    from radiology_guide.guide.models import GlossaryTerm, Page
    from radiology_guide.guide.sync import sync_content

    call_command("migrate", verbosity=0)
    seconds, queries, result = timed(lambda: sync_content(content))
    report("sync", f"sync_content into an empty database ({result.changes} objects)", seconds, queries)

    User.objects.create_superuser("bench", "bench@example.com", "a-long-bench-password")
    client = Client()
    client.force_login(User.objects.get(username="bench"))
    page = Page.objects.get(slug="what-to-expect")
    url = f"/admin/guide/page/{page.pk}/change/"
    form = {
        "title": page.title, "slug": page.slug, "kind": page.kind, "summary": page.summary, "order": page.order,
        "body": page.body, "caption": page.caption,
    }  # fmt: skip
    import json

    for name in ("sources", "dose_source", "preparation", "warning_signs", "risks"):
        form[name] = json.dumps(getattr(page, name))
    form["related_pages"] = list(Page.objects.filter(slug__in=page.related).values_list("pk", flat=True))
    form |= {"duration": "", "ionising_radiation": "unknown", "dose_band": "", "dose": "", "sedation": ""}
    form |= {"usual_stay": ""}
    client.get(url)  # warm up: templates, the admin's first request
    for button in ("_save", "_publish"):
        runs = []
        for number in range(7):
            data = form | {"body": f"{page.body}\n\nBench edit {button} {number}.", button: "yes"}
            seconds, queries, response = timed(lambda data=data: client.post(url, data))
            assert response.status_code == 302, response.content[:2000]
            runs.append((seconds, queries))
        label = {"_save": "Save one page as a draft", "_publish": "Save and publish one page"}[button]
        median = statistics.median(wall for (wall, _), _ in runs), statistics.median(cpu for (_, cpu), _ in runs)
        report("save", f"{label} (median of 7)", median, runs[-1][1])

    terms = [
        GlossaryTerm(term=f"Bench term {n}", slug=f"bench-term-{n}", definition="A word only the benchmark uses.")
        for n in range(100)
    ]
    for term in terms:
        term.render()
    GlossaryTerm.objects.bulk_create(terms)
    publishing.rerender_all()
    ids = list(GlossaryTerm.objects.filter(slug__startswith="bench-term-").values_list("pk", flat=True))
    data = {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    seconds, queries, response = timed(lambda: client.post("/admin/guide/glossaryterm/", data))
    assert response.status_code == 302 and not GlossaryTerm.objects.filter(pk__in=ids).exists()
    report("delete", "Delete 100 glossary terms in admin", seconds, queries)


if __name__ == "__main__":
    main()
