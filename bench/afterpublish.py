"""After a publish, and the workers' memory (part of bench/pages, `make bench`).

The production server (granian, with the Tasks worker that serve.py starts)
serves the site with SITE_URL set to its own address, so the worker's
warming builds pages under the keys patients' requests look up. Then:

1. cached: each of 20 public pages is requested 3 times in turn, one request
   at a time; the median is a cached request's time;
2. a publish: one page's summary changes through guide.publishing, in a
   process of its own (as an editor's save in admin is), which retires every
   cached page and queues the warming;
3. 15 s later, the first request to each of the 20 pages: their median
   against the cached one (issue 25's target: no more than 2×), and how many
   were cache hits;
4. every public page requested once (the sitemap and each printable
   summary), then the resident memory (VmRSS) of each web worker and of the
   Tasks worker.
"""

import re
import statistics
import time
import urllib.request
from xml.etree import ElementTree

from benchlib import Server, fetch, memory_kb, say

PAGES = 20
SETTLE_SECONDS = 15
WARMED = re.compile(r"page cache warmed stored=(\d+) current=(\d+) not_stored=(\d+) ms=(\d+)")
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"

PUBLISH = """
from radiology_guide.guide import publishing
from radiology_guide.guide.models import Page
page = Page.objects.get(slug="what-to-expect")
page.summary = page.summary.rstrip(".") + " (checked {stamp})."
publishing.publish(page, None)
"""


def timed_get(url):
    """(milliseconds, X-Cache) of one GET on a new connection, as a patient's browser makes it."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our own server on 127.0.0.1
        response.read()
        cache = response.headers.get("X-Cache", "")
    return (time.perf_counter() - started) * 1000, cache


def public_paths(base_url):
    """The sitemap's pages (but the enquiry form, never cached) and each printable summary."""
    status, body = fetch(base_url + "/sitemap.xml")
    if status != 200:
        raise RuntimeError(f"/sitemap.xml answered {status}")
    paths = [loc.text.split("://", 1)[1].split("/", 1)[1] for loc in ElementTree.fromstring(body).iter(SITEMAP_NS)]  # noqa: S314
    paths = ["/" + path for path in paths if path != "enquire/"]
    summaries = [f"{path}summary/" for path in paths if re.fullmatch(r"/procedures/[a-z0-9-]+/", path)]
    return paths + summaries


def role(pid):
    with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
        return "tasks" if b"db_worker" in cmdline.read() else "web"


def measure(site):
    """The after-publish figures: a dict for print_after_publish and the summary."""
    server = Server.production(site)
    server.env["SITE_URL"] = server.base_url  # warming asks as patients do, at this address
    with server:
        paths = public_paths(server.base_url)
        sample = paths[:PAGES]
        for path in sample:  # built once, so the next requests are cached
            timed_get(server.base_url + path)
        cached = [timed_get(server.base_url + path)[0] for _ in range(3) for path in sample]
        say(f"  after a publish: publishing, then waiting {SETTLE_SECONDS} s ...")
        site.manage("shell", "--command", PUBLISH.format(stamp=time.strftime("%H:%M:%S")))
        published = time.monotonic()
        time.sleep(SETTLE_SECONDS)
        first = [timed_get(server.base_url + path) for path in sample]
        elapsed = time.monotonic() - published
        for path in paths:
            timed_get(server.base_url + path)
        memory = {}
        for pid in server.workers():
            kb = memory_kb(pid, "VmRSS")
            if kb is not None:
                memory.setdefault(role(pid), []).append(kb / 1024)
        warmed = WARMED.findall(server.log_path.read_text())
    return {
        "pages": len(sample),
        "public_pages": len(paths),
        "cached_ms": statistics.median(cached),
        "first_ms": statistics.median(ms for ms, _ in first),
        "first_hits": sum(cache == "hit" for _, cache in first),
        "seconds_after": elapsed - sum(ms for ms, _ in first) / 1000,
        "web_mb": memory.get("web", []),
        "tasks_mb": memory.get("tasks", []),
        "warmed": warmed[-1] if warmed else None,
    }


def print_after_publish(figures):
    ratio = figures["first_ms"] / figures["cached_ms"]
    print(
        f"After a publish: the median first request to {figures['pages']} pages {SETTLE_SECONDS} s after it "
        f"{figures['first_ms']:.2f} ms ({figures['first_hits']} of {figures['pages']} cache hits) against "
        f"{figures['cached_ms']:.2f} ms for a cached request: {ratio:.2f}×."
    )
    if figures["warmed"]:
        stored, current, not_stored, ms = figures["warmed"]
        print(f"The Tasks worker's warming: stored={stored} current={current} not_stored={not_stored} in {ms} ms.")
    web = ", ".join(f"{mb:.1f}" for mb in figures["web_mb"])
    tasks = ", ".join(f"{mb:.1f}" for mb in figures["tasks_mb"])
    print(
        f"Resident memory after serving all {figures['public_pages']} public pages: web workers {web} MB; "
        f"Tasks worker {tasks or '–'} MB."
    )
    print()


def checks(figures):
    ratio = figures["first_ms"] / figures["cached_ms"]
    peak = max(figures["web_mb"], default=0)
    return [
        (f"first request after a publish ≤ 2× a cached one: {ratio:.2f}×", ratio <= 2),
        (f"every web worker under 80 MB resident after serving every page: {peak:.1f} MB", 0 < peak < 80),
    ]
