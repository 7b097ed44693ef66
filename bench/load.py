"""bench/load: mixed reads and enquiries from 64 clients at once, and nothing lost.

Starts the site with production settings under the production server
(`python -m radiology_guide.serve`: granian) on a free 127.0.0.1 port, then
for a bounded time (60 s by default) 64 clients, each with its own keep-alive
connection and cookies as a browser has, read the public pages (every address in the sitemap) and send enquiries: GET
/enquire/, POST the form with its CSRF token and form token, follow the
redirect to the confirmation page. Afterwards it looks every accepted
reference up in the database.

    .venv/bin/python bench/load [--duration 60] [--db sqlite|postgres] [--cache file|redis|locmem] [--kill-worker]

--db postgres uses postgres://postgres@127.0.0.1:5432/bench_load (created if
missing); --cache redis uses redis://127.0.0.1:6379/14 (emptied first). The
server runs with ENQUIRY_RATE_LIMIT=100000/h and ENQUIRY_MIN_FILL_SECONDS=0,
since every client shares 127.0.0.1 and fills the form at once; email goes to
the console mailer, i.e. the server's log. --workers and --threads override
radiology_guide/serve.py's numbers of workers and threads per worker.

--kill-worker sends SIGKILL to one worker half-way through: requests
in flight on it fail at the connection (counted as connection errors, as a
browser would see them), and no enquiry that was accepted may be missing.

Bar: no 5xx responses, and every accepted enquiry stored.
"""

import argparse
import collections
import http.client
import http.cookies
import json
import os
import random
import re
import resource
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from importlib import metadata

from benchlib import (
    HOST,
    PYTHON,
    Server,
    Site,
    Watch,
    cache_url_for,
    cpu_count,
    empty_redis,
    fetch,
    production_label,
    say,
    wait_until_quiet,
    workdir,
)

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/bench_load"
CLIENTS = 64
ENQUIRY_SHARE = 0.2  # of a client's visits: an enquiry (3 requests) instead of one page read
SERVER_ENV = {
    # Every enquiry comes from 127.0.0.1 and is sent at once: let them through.
    "ENQUIRY_RATE_LIMIT": "100000/h",
    "ENQUIRY_MIN_FILL_SECONDS": "0",
}
SENT = re.compile(r"/enquire/sent/(RG-[0-9A-Z]{4}-[0-9A-Z]{4})/$")
HIDDEN = {name: re.compile(rf'name="{name}"[^>]*?value="([^"]+)"') for name in ("csrfmiddlewaretoken", "form_token")}
COUNT_ENQUIRIES = """\
import json, os
from radiology_guide.enquiries.models import Enquiry
refs = json.load(open(os.environ["BENCH_REFS"]))
found = set()
for start in range(0, len(refs), 500):
    found.update(Enquiry.objects.filter(reference__in=refs[start:start + 500]).values_list("reference", flat=True))
print(json.dumps({"total": Enquiry.objects.count(), "missing": sorted(set(refs) - found)}))
"""


class Browser:
    """One client: a keep-alive connection, a cookie jar, and what it saw."""

    def __init__(self, port, number, deadline, paths, stats):
        self.port = port
        self.number = number
        self.deadline = deadline
        self.paths = paths
        self.stats = stats
        self.random = random.Random(number)
        self.cookies = {}
        self.connection = None

    def request(self, kind, method, path, body=None, headers=None):
        """Returns (status, headers, body), or None when the connection failed."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        started = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.connection = None
            self.stats.record(kind, None, time.perf_counter() - started, error)
            return None
        self.stats.record(kind, response.status, time.perf_counter() - started)
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, content

    def read_page(self):
        self.request("read", "GET", self.random.choice(self.paths))

    def send_enquiry(self):
        form = self.request("form", "GET", "/enquire/?topic=mri-scan")
        if form is None or form[0] != 200:
            return
        html = form[2].decode()
        tokens = {name: pattern.search(html) for name, pattern in HIDDEN.items()}
        if not all(tokens.values()):
            self.stats.note("form without its hidden tokens")
            return
        n = self.stats.next_number()
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": tokens["csrfmiddlewaretoken"].group(1),
                "form_token": tokens["form_token"].group(1),
                "website": "",
                "name": f"Load Test Patient {self.number}",
                "email": f"patient{n}@example.org",
                "phone": "",
                "preferred_contact": "email",
                "topic": "mri-scan",
                "message": "A question about what to expect at my scan.",
                "consent": "on",
            }
        )
        origin = f"http://{HOST}:{self.port}"
        posted = self.request(
            "post",
            "POST",
            "/enquire/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": origin + "/enquire/?topic=mri-scan",
            },
        )
        if posted is None:
            return
        location = posted[1].get("Location", "")
        match = SENT.search(urllib.parse.urlsplit(location).path) if posted[0] == 302 else None
        if match is None:
            self.stats.note(f"enquiry not accepted: {posted[0]}")
            return
        self.stats.accept(match.group(1))
        self.request("sent", "GET", urllib.parse.urlsplit(location).path)

    def run(self):
        while time.monotonic() < self.deadline:
            if self.random.random() < ENQUIRY_SHARE:
                self.send_enquiry()
            else:
                self.read_page()
        if self.connection:
            self.connection.close()


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = collections.defaultdict(list)
        self.statuses = collections.Counter()
        self.errors = collections.Counter()
        self.notes = collections.Counter()
        self.accepted = []
        self._numbers = iter(range(1, 10**9))

    def record(self, kind, status, seconds, error=None):
        with self.lock:
            if error is None:
                self.latencies[kind].append(seconds)
                self.statuses[status] += 1
            else:
                self.errors[f"{kind}: {type(error).__name__}"] += 1

    def note(self, text):
        with self.lock:
            self.notes[text] += 1

    def accept(self, reference):
        with self.lock:
            self.accepted.append(reference)

    def next_number(self):
        with self.lock:
            return next(self._numbers)


def percentile(values, share):
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[share - 1]


def sitemap_paths(base_url):
    status, body = fetch(base_url + "/sitemap.xml")
    if status != 200:
        raise RuntimeError(f"/sitemap.xml answered {status}")
    paths = sorted({urllib.parse.urlsplit(url).path for url in re.findall(r"<loc>([^<]+)</loc>", body.decode())})
    if not paths:
        raise RuntimeError("the sitemap lists no pages")
    return paths


def prepare_postgres():
    """Create the bench_load database if it is missing (psycopg, from the venv)."""
    code = (
        "import psycopg\n"
        "with psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', autocommit=True) as db:\n"
        "    if not db.execute(\"SELECT 1 FROM pg_database WHERE datname = 'bench_load'\").fetchone():\n"
        "        db.execute('CREATE DATABASE bench_load')\n"
        "        print('created database bench_load')\n"
    )
    subprocess.run([PYTHON, "-c", code], check=True)


def count_enquiries(site, references, path):
    path.write_text(json.dumps(references))
    output = site.manage(
        "shell", "--no-imports", "--command", COUNT_ENQUIRIES, env={"BENCH_REFS": str(path)}, capture=True
    )
    return json.loads(output.strip().splitlines()[-1])


def kill_one_worker(server, at, report):
    """SIGKILL one worker at time `at` (monotonic), then note how soon the server replaced it."""
    time.sleep(max(0.0, at - time.monotonic()))
    workers = server.workers()
    victim = random.choice(workers)
    os.kill(victim, signal.SIGKILL)
    killed_at = time.monotonic()
    while time.monotonic() - killed_at < 10:
        now = server.workers()
        if victim not in now and len(now) >= len(workers):
            report["replaced after s"] = round(time.monotonic() - killed_at, 2)
            break
        time.sleep(0.05)
    report["killed"] = victim


def run_load(server, duration, kill_worker, patience, services):
    paths = sitemap_paths(server.base_url)
    for path in [*paths, "/enquire/"]:  # warm every worker's first render a little
        fetch(server.base_url + path)
    wait_until_quiet(patience=patience)
    stats = Stats()
    deadline = time.monotonic() + duration
    browsers = [Browser(server.port, n, deadline, paths, stats) for n in range(CLIENTS)]
    threads = [threading.Thread(target=browser.run, daemon=True) for browser in browsers]
    kill_report = {}
    if kill_worker:
        killer = threading.Thread(
            target=kill_one_worker, args=(server, time.monotonic() + duration / 2, kill_report), daemon=True
        )
        threads.append(killer)
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    with Watch(server.process.pid, services) as watch:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=duration + 60)
    elapsed = time.monotonic() - started
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return stats, elapsed, watch, client_cpu, kill_report, len(paths)


def report(args, stats, elapsed, watch, client_cpu, kill_report, page_count, counted, before, server_errors):
    all_latencies = [value for values in stats.latencies.values() for value in values]
    five_xx = sum(count for status, count in stats.statuses.items() if status >= 500)
    accepted = len(stats.accepted)
    stored = counted["total"] - before
    lost = len(counted["missing"])
    database = "PostgreSQL" if args.db == "postgres" else "SQLite"
    cache = args.cache_url
    print(
        f"bench/load: {cpu_count()} cores, Django {metadata.version('Django')}, "
        f"{production_label(args.workers, args.threads)}; "
        f"{database}, cache {cache}; "
        f"{CLIENTS} clients for {args.duration} s, "
        f"{ENQUIRY_SHARE:.0%} of visits an enquiry, reads over {page_count} sitemap pages"
        f"{'; one worker SIGKILLed half-way' if args.kill_worker else ''}; {time.strftime('%Y-%m-%d %H:%M')}"
    )
    print()
    print("| requests | kind | req/s | p50 ms | p99 ms |")
    print("|---|---|---:|---:|---:|")
    rows = [("all", all_latencies)] + [(kind, stats.latencies[kind]) for kind in ("read", "form", "post", "sent")]
    for kind, values in rows:
        print(
            f"| {len(values):,} | {kind} | {len(values) / elapsed:,.0f} | "
            f"{percentile(values, 50) * 1000:.1f} | {percentile(values, 99) * 1000:.1f} |"
        )
    print()
    statuses = ", ".join(f"{status}: {count:,}" for status, count in sorted(stats.statuses.items()))
    print(f"- responses by status: {statuses}")
    errors = sum(stats.errors.values())
    print(f"- connection errors: {errors}" + (f" ({dict(stats.errors)})" if errors else ""))
    for text, count in sorted(stats.notes.items()):
        print(f"- {text}: {count}")
    print(f"- enquiries accepted (302 to /enquire/sent/): {accepted:,}; stored during the run: {stored:,}")
    if stored > accepted - lost:
        print(f"- stored, but the client never saw the answer (its connection failed): {stored - accepted + lost}")
    print(f"- accepted but missing from the database: {lost}" + (f" {counted['missing'][:5]}" if lost else ""))
    if args.kill_worker:
        print(
            f"- killed worker: pid {kill_report.get('killed')}, replaced after {kill_report.get('replaced after s')} s"
        )
    print(f"- peak resident memory per worker: {watch.max_mb:.1f} MB")
    print(
        f"- CPU: the load client used {client_cpu / elapsed / cpu_count():.0%} of the machine"
        + (f", {' and '.join(services(args))} {watch.service_cpu_share:.0%}" if services(args) else "")
        + f", processes outside the benchmark {watch.other_cpu_share:.0%}"
    )
    print(f"- server log: {len(server_errors)} error lines")
    for line in sorted(set(server_errors))[:5]:
        print(f"  - {line[:160]}")
    print()
    ok = five_xx == 0 and lost == 0 and accepted > 0 and stored >= accepted
    print(f"- [{'x' if accepted else ' '}] enquiries accepted: {accepted:,}")
    print(f"- [{'x' if five_xx == 0 else ' '}] 0 responses with 5xx: {five_xx}")
    print(f"- [{'x' if lost == 0 and stored >= accepted else ' '}] 0 accepted enquiries lost: {lost}")
    return ok


def services(args):
    """The database and cache server processes this run uses (their CPU counts as the benchmark's)."""
    return (("postgres",) if args.db == "postgres" else ()) + (("redis-server",) if args.cache == "redis" else ())


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench/load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--cache", choices=("file", "redis", "locmem"), default="file")
    parser.add_argument("--kill-worker", action="store_true", help="SIGKILL one worker half-way through")
    parser.add_argument("--workers", type=int, help="instead of radiology_guide/serve.py's choice")
    parser.add_argument("--threads", type=int, help="threads per worker, instead of radiology_guide/serve.py's choice")
    parser.add_argument(
        "--patience", type=int, default=120, help="seconds to wait, before the run, for other work to finish"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, database)")
    args = parser.parse_args(argv)

    with workdir("bench-load-", keep=args.keep) as tmp:
        if args.db == "postgres":
            prepare_postgres()
        cache_url = args.cache_url = cache_url_for(args.cache, tmp)
        if args.cache == "redis":
            empty_redis()
        site = Site(
            tmp, database_url=POSTGRES_URL if args.db == "postgres" else None, cache_url=cache_url, extra_env=SERVER_ENV
        )
        site.prepare()
        before = count_enquiries(site, [], tmp / "refs.json")["total"]
        server = Server.production(site, workers=args.workers, blocking_threads=args.threads)
        with server:
            say(f"{CLIENTS} clients for {args.duration} s against {server.base_url} ...")
            stats, elapsed, watch, client_cpu, kill_report, page_count = run_load(
                server, args.duration, args.kill_worker, args.patience, services(args)
            )
        counted = count_enquiries(site, stats.accepted, tmp / "refs.json")
        ok = report(
            args, stats, elapsed, watch, client_cpu, kill_report, page_count, counted, before, server.errors_in_log()
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
