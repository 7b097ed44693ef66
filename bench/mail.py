"""bench/mail: a slow mail server no longer slows the patient's enquiry.

Starts the production server (`python -m radiology_guide.serve`, which also
starts the Tasks worker) against a tiny SMTP server on 127.0.0.1 that answers
at once, then against one that waits 5 s before each greeting, and sends the
same enquiries through the form each time (8 clients, 20 s). It prints each
run's POST latency (p50 / p99) and how long the worker took to hand every
email to the mail server. The POST should cost the same in both runs: the
request only queues the email in the database.
"""

import argparse
import socketserver
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import HOST, Server, Site, free_port, say, workdir  # noqa: E402
from load import SERVER_ENV, Browser, Stats, percentile  # noqa: E402

CLIENTS = 8
DRAIN_WAIT = 30  # seconds to wait after the run for the worker to send what was queued


class SlowSMTP(socketserver.ThreadingTCPServer):
    """Just enough SMTP to accept a message, after `delay` seconds of silence."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port, delay):
        self.delay = delay
        self.messages = 0
        self.lock = threading.Lock()
        super().__init__((HOST, port), SMTPHandler)


class SMTPHandler(socketserver.StreamRequestHandler):
    def handle(self):
        time.sleep(self.server.delay)
        self.wfile.write(b"220 bench ESMTP\r\n")
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.wfile.write(b"250 bench\r\n")
            elif command == "DATA":
                self.wfile.write(b"354 go on\r\n")
                while (body := self.rfile.readline()) and body != b".\r\n":
                    pass
                with self.server.lock:
                    self.server.messages += 1
                self.wfile.write(b"250 queued\r\n")
            elif command == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def run(tmp, delay, duration):
    smtp_port = free_port()
    smtp = SlowSMTP(smtp_port, delay)
    threading.Thread(target=smtp.serve_forever, daemon=True).start()
    (tmp / f"delay-{delay}").mkdir()
    site = Site(
        tmp / f"delay-{delay}",
        cache_url=f"file://{tmp / f'delay-{delay}' / 'cache'}",
        extra_env={**SERVER_ENV, "EMAIL_URL": f"smtp://{HOST}:{smtp_port}", "ENQUIRY_ACKNOWLEDGE": "off"},
    )
    site.prepare()
    stats = Stats()
    with Server.production(site) as server:
        deadline = time.monotonic() + duration
        browsers = [Browser(server.port, number, deadline, [], stats) for number in range(CLIENTS)]

        def send_until_deadline(browser):
            while time.monotonic() < deadline:
                browser.send_enquiry()

        threads = [threading.Thread(target=send_until_deadline, args=(browser,)) for browser in browsers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        posted_at = time.monotonic()
        accepted = len(stats.accepted)
        # One worker sends one email at a time: against a server that waits
        # 5 s per connection that is 12 a minute, so stop waiting after 30 s.
        while smtp.messages < accepted and time.monotonic() < posted_at + DRAIN_WAIT:
            time.sleep(0.2)
        drained = time.monotonic() - posted_at
    smtp.shutdown()
    posts = stats.latencies["post"]
    return {
        "delay": delay,
        "accepted": accepted,
        "mailed": smtp.messages,
        "p50": percentile(posts, 50) * 1000,
        "p99": percentile(posts, 99) * 1000,
        "drained": drained,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--slow", type=float, default=5.0, help="seconds the slow mail server waits")
    args = parser.parse_args(argv)
    with workdir("bench-mail-") as tmp:
        results = [run(Path(tmp), delay, args.duration) for delay in (0.0, args.slow)]
    say("")
    print(f"Enquiry POSTs, {CLIENTS} clients for {args.duration:.0f} s each, production server, SQLite:")
    print()
    print(f"| mail server waits | enquiries | POST p50 ms | POST p99 ms | emails sent (within {DRAIN_WAIT} s) |")
    print("|---|---:|---:|---:|---:|")
    for result in results:
        print(
            f"| {result['delay']:.0f} s | {result['accepted']:,} | {result['p50']:.0f} | {result['p99']:.0f} "
            f"| {result['mailed']:,} ({result['drained']:.1f} s) |"
        )


if __name__ == "__main__":
    main()
