"""Run Radiology Guide in production: ``python -m radiology_guide.serve``.

The server is granian, a Rust HTTP server, running Django's WSGI application.
It was chosen by measurement (``bench/pages --compare-workers``, README
"Benchmarks"): on 2 cores at 64 connections it served a cached page nearly
three times as fast as gunicorn's sync or gthread workers, with a lower p99,
because HTTP parsing, keep-alive and slow clients are handled in Rust and
Python only runs the application.

The defaults below are the measured choice; every one can be changed from the
environment with granian's own ``GRANIAN_*`` variables (``GRANIAN_PORT``,
``GRANIAN_WORKERS``, ...) or with granian's command-line options after the
module name (``python -m radiology_guide.serve --port 9000``).
``WEB_CONCURRENCY``, as set by many hosts, sets the number of workers.

It also starts the Tasks worker (``manage.py db_worker``), which sends the
emails queued in the database, and stops it on the way out. Where the worker
runs as a service of its own, set ``RUN_TASKS_WORKER=false``.
"""

import multiprocessing
import os
import subprocess
import sys

from granian.cli import cli

APPLICATION = "radiology_guide.wsgi:application"


def defaults(environ=os.environ):
    cores = len(os.sched_getaffinity(0))
    return {
        "GRANIAN_INTERFACE": "wsgi",
        # 127.0.0.1:8000 unless told otherwise: a proxy or a CDN is in front.
        "GRANIAN_HOST": "127.0.0.1",
        "GRANIAN_PORT": "8000",
        # One worker per core: each request is CPU-bound Python, so more
        # workers only share the same cores (measured: 5 workers did less
        # than 2).
        "GRANIAN_WORKERS": environ.get("WEB_CONCURRENCY") or str(cores),
        # Python threads per worker. Measured on 2 cores (bench/pages
        # --compare-workers, guide page): 4 served the most cached pages
        # (12,103 req/s, against 9,811 with 1 thread and 10,659 with 5 workers
        # of 2), with uncached pages the same within noise, at 69 MB per
        # worker. They also let a worker go on serving pages while a thread
        # waits on the database. granian's own
        # default for WSGI is hundreds, which only costs memory.
        "GRANIAN_BLOCKING_THREADS": "4",
        # A worker that dies (out of memory, a crash in C code) is replaced
        # instead of taking the whole server down with it.
        "GRANIAN_RESPAWN_FAILED_WORKERS": "true",
        # Replace a worker that grows past this many MiB (checked every 30 s),
        # so slow memory growth can never take the machine.
        "GRANIAN_WORKERS_MAX_RSS": "160",
        # On restart or shutdown, requests in flight get this long to finish.
        "GRANIAN_WORKERS_KILL_TIMEOUT": "30",
        "GRANIAN_WEBSOCKETS": "false",
        # No access log: the app logs one line per request itself, without
        # query strings or client addresses (README "Logs").
        "GRANIAN_LOG_ACCESS_ENABLED": "false",
    }


def start_tasks_worker():
    """The Tasks worker, as a child process; None when RUN_TASKS_WORKER=false."""
    from radiology_guide.config import env_bool

    if not env_bool("RUN_TASKS_WORKER", True):
        return None
    return subprocess.Popen([sys.executable, "-m", "django", "db_worker", "--queue-name", "default"])  # noqa: S603


def main(argv=None):
    # Workers start as fresh interpreters. The default on Linux, fork, copies
    # the master mid-flight: a worker respawned from one of its threads could
    # inherit a lock another thread held (seen: a replacement worker that
    # never started and ignored the signal to stop).
    multiprocessing.set_start_method("spawn")
    for name, value in defaults().items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "radiology_guide.settings")
    args = sys.argv[1:] if argv is None else argv
    worker = start_tasks_worker()
    try:
        cli.main(args=[*args, APPLICATION], prog_name="radiology_guide.serve", auto_envvar_prefix="GRANIAN")
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)


if __name__ == "__main__":
    main()
