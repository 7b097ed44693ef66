"""gunicorn settings for Radiology Guide: `gunicorn -c gunicorn.conf.py`.

Every value can be changed from the environment (GUNICORN_BIND,
WEB_CONCURRENCY, GUNICORN_THREADS, GUNICORN_WORKER_CLASS, ...); the worker
choice was measured, see the note below and the README's "Benchmarks".
"""

import os


def _int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


wsgi_app = "radiology_guide.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
proc_name = "radiology-guide"
# The cores this process may run on (a container's share, not the whole host).
CORES = len(os.sched_getaffinity(0))

# sync workers, chosen by measurement on 2 cores at 64 connections
# (bench/pages --compare-workers; bench/load --worker-class/--workers). Every
# request here is CPU-bound Python, so threads only queue on the GIL: gthread
# did no more requests per second and had a worse p99 (cached guide page:
# sync 5 workers 2,523/s p99 57 ms, gthread 5x2 2,703/s p99 147 ms, gthread 2x4
# 1,945/s p99 155 ms; mixed reads and enquiries on PostgreSQL and Redis: about
# 250/s for all three, p99 389 ms sync against 699 and 795 ms gthread).
# 2 x cores + 1 workers: fewer did as well or slightly better in these CPU-bound
# runs (2 workers: 3,089/s cached, 350/s mixed against 326/s for 5), but spare
# workers keep the site answering while some are blocked: an enquiry sends its
# emails inside the request (Django's immediate Tasks backend), and a worker
# that dies takes only its own request with it. Each worker holds one
# connection, so slow clients must not reach them directly: put nginx (or a
# CDN) in front, as gunicorn's documentation advises. granian 2.8 (not a
# dependency) served the cached page about twice as fast (5,462/s, p99 29 ms)
# at 73 MB per worker; see the README's "Benchmarks".
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
workers = _int("WEB_CONCURRENCY", 2 * CORES + 1)
threads = _int("GUNICORN_THREADS", 1)

# Load Django once in the master, then fork: workers start in milliseconds and
# share the loaded code's memory until they write to it. (Django opens no
# database or cache connection at import, so none is shared between workers.)
preload_app = True

# Recycle each worker after this many requests (jittered, so they do not all
# restart together) to bound any slow memory growth. A restart is only a fork.
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 10)

# A worker silent for this long is killed and replaced; pages answer in
# milliseconds, so 30 s only ever catches a stuck worker.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Idle keep-alive connections (gthread only; sync workers close after each
# response). Short, because the clients are a proxy or a CDN.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# The heartbeat file lives in memory, not on a disk that can stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - gunicorn's own advice

# No access log: the app logs one line per request itself (request id, method,
# path, status, time), and an access log would also hold query strings and
# client addresses. Errors still go to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# gunicorn 25+ opens a control socket at a fixed path in $HOME by default;
# several instances on one machine would fight over it, and nothing here uses
# `gunicornc`. Set GUNICORN_CONTROL_SOCKET to a path to have one.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
