"""What bench/pages and bench/load share: a throwaway copy of the site with
production settings, the production server (radiology_guide/serve.py, granian)
or gunicorn to compare it with, and the process plumbing to measure and stop it.

Everything listens on 127.0.0.1 only and lives in a temporary folder that is
removed afterwards. Every server is started in its own process group and
stopped in a ``finally`` block, so a run always cleans up after itself.
"""

import contextlib
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_PYTHON = REPO / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))
HOST = "127.0.0.1"
SERVER_SETTINGS = ("GRANIAN_", "GUNICORN_", "WEB_CONCURRENCY")
REDIS_URL = "redis://127.0.0.1:6379/14"  # database 14 is the benchmarks' own

# settings.py has a fixed STATIC_ROOT (the project's staticfiles/). The
# benchmarks collect static files into their temporary folder instead, through
# this two-line overlay: everything else is the production settings module.
SETTINGS_OVERLAY = """\
from radiology_guide.settings import *  # noqa: F403

STATIC_ROOT = {static_root!r}
"""


def cache_url_for(kind, workdir):
    """CACHE_URL for --cache: file (shared by the workers of one server: the
    default, and what one small server runs), redis, or locmem (each worker
    its own; not a valid production setting with several workers)."""
    return {"file": f"file://{Path(workdir) / 'cache'}", "redis": REDIS_URL, "locmem": "locmem://"}[kind]


def say(message):
    print(message, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def cpu_count():
    return len(os.sched_getaffinity(0))


def require_commands(*names):
    """The full path of each Debian-packaged command; exits with install instructions when one is missing."""
    # nginx lives in /usr/sbin, which is not on every user's PATH.
    found = {name: shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin") for name in names}
    missing = [name for name, path in found.items() if path is None]
    if missing:
        sys.exit(
            f"bench: {', '.join(missing)} not found. Install with:\n"
            f"  apt-get update && apt-get install -y --no-install-recommends {' '.join(missing)}\n"
            "(or run `make bench`, which installs them)"
        )
    return found


def empty_redis():
    """Empty the benchmarks' own Redis database (rate-limit counters and pages of earlier runs)."""
    code = "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()"
    subprocess.run([PYTHON, "-c", code, REDIS_URL], check=True, timeout=30)


class Site:
    """A temporary database, STATIC_ROOT and log folder, with the environment
    that runs the site against them with production settings."""

    def __init__(self, workdir, database_url=None, cache_url="locmem://", extra_env=None):
        self.dir = Path(workdir)
        self.static_root = self.dir / "static"
        (self.dir / "bench_settings.py").write_text(SETTINGS_OVERLAY.format(static_root=str(self.static_root)))
        self.database_url = database_url or f"sqlite:///{self.dir / 'bench.sqlite3'}"
        self.env = {
            # radiology_guide/serve.py's own defaults, unless a benchmark overrides them.
            **{name: value for name, value in os.environ.items() if not name.startswith(SERVER_SETTINGS)},
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "PYTHONPATH": os.pathsep.join([str(self.dir), str(REPO)]),
            "PYTHONDONTWRITEBYTECODE": "1",
            "DEBUG": "off",
            "HTTPS": "off",  # plain HTTP on 127.0.0.1; behind TLS a proxy adds it
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": HOST,
            "DATABASE_URL": self.database_url,
            "CACHE_URL": cache_url,
            "EMAIL_URL": f"file://{self.dir / 'mail'}",
            "LOG_LEVEL": "INFO",
            **(extra_env or {}),
        }

    def manage(self, *args, env=None, capture=False):
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=REPO,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout if capture else None

    def prepare(self):
        """Migrate, load content/ and collect static files, as a deploy does."""
        started = time.monotonic()
        self.manage("migrate", "--noinput")
        self.manage("sync_content")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        say(f"site prepared in {time.monotonic() - started:.0f} s ({self.database_url.split('://')[0]})")


class Server:
    """The production server (or gunicorn, to compare) serving the site on a
    free port, in its own process group, with its output in a log file."""

    def __init__(self, site, name, command, env=None, port=None):
        self.site = site
        self.name = name
        self.port = port or free_port()
        self.command = command
        self.env = {**site.env, **(env or {})}
        self.log_path = site.dir / f"{name}.log"
        self.process = None

    @classmethod
    def production(cls, site, env=None, workers=None, blocking_threads=None):
        """`python -m radiology_guide.serve` (granian) as deployed; workers and
        blocking_threads override its defaults."""
        server = cls(site, "granian", [], env)
        overrides = {"GRANIAN_WORKERS": workers, "GRANIAN_BLOCKING_THREADS": blocking_threads}
        server.env.update({name: str(value) for name, value in overrides.items() if value is not None})
        server.command = [
            PYTHON,
            "-m",
            "radiology_guide.serve",
            "--host",
            HOST,
            "--port",
            str(server.port),
            "--log-level",
            "warning",
        ]
        return server

    @classmethod
    def gunicorn(cls, site, worker_class, workers, threads=1, env=None):
        """gunicorn as it was configured before granian was measured: the app
        loaded once, then forked into `workers` processes."""
        server = cls(site, f"gunicorn-{worker_class}", [], env)
        server.command = [
            PYTHON,
            "-m",
            "gunicorn",
            "--bind",
            f"{HOST}:{server.port}",
            "--worker-class",
            worker_class,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--preload",
            "--no-control-socket",
            "--worker-tmp-dir",
            "/dev/shm",
            "radiology_guide.wsgi:application",
        ]
        return server

    @property
    def base_url(self):
        return f"http://{HOST}:{self.port}"

    def start(self, timeout=60):
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command,
            cwd=REPO,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            with contextlib.suppress(OSError):
                if fetch(self.base_url + "/healthz", timeout=2)[0] == 200:
                    return self
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer /healthz within {timeout} s; see {self.log_path}")

    def workers(self):
        """Process ids of the worker processes (every process below the master
        but multiprocessing's resource tracker, which granian's master starts)."""
        return [pid for pid in descendants(self.process.pid) if not is_resource_tracker(pid)] if self.process else []

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        # Workers left behind by a killed master belong to the same group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def errors_in_log(self):
        text = self.log_path.read_text(errors="replace")
        markers = ("Traceback", " ERROR ", " CRITICAL ", "[ERROR]", "[CRITICAL]")
        return [line for line in text.splitlines() if any(marker in line for marker in markers)]


def production_label(workers=None, blocking_threads=None):
    """How radiology_guide/serve.py runs with these overrides, e.g. 'granian 2.8.9 2w×2t'."""
    code = (
        "import json; from importlib import metadata; from radiology_guide.serve import defaults; "
        "print(json.dumps({**defaults(), 'version': metadata.version('granian')}))"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith(SERVER_SETTINGS)}
    config = json.loads(subprocess.run([PYTHON, "-c", code], cwd=REPO, env=env, capture_output=True, check=True).stdout)
    workers = workers or config["GRANIAN_WORKERS"]
    threads = blocking_threads or config["GRANIAN_BLOCKING_THREADS"]
    return f"granian {config['version']} {workers}w×{threads}t"


def fetch(url, timeout=10, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _parent_of(pid):
    with open(f"/proc/{pid}/stat") as stat:
        # The command name (field 2) may hold spaces; the fields after its ')' are fixed.
        return int(stat.read().rsplit(")", 1)[1].split()[1])


def descendants(root):
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                parents[int(entry)] = _parent_of(entry)
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found.extend(children)
        frontier.extend(children)
    return sorted(found)


def is_resource_tracker(pid):
    with contextlib.suppress(OSError):
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return b"multiprocessing.resource_tracker" in cmdline.read()
    return False


def processes_named(names):
    """Process ids whose command name is one of `names` (to count their CPU, nothing else)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                with open(f"/proc/{entry}/comm") as comm:
                    if comm.read().strip() in names:
                        found.append(int(entry))
    return found


def memory_kb(pid, field):
    """A /proc/<pid>/status figure in kB (VmRSS, VmHWM), or None if the process has gone."""
    with contextlib.suppress(OSError):
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    return None


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid):
    """CPU time (user + system, in clock ticks) a process has used, or None if it has gone."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    return None


def busy_ticks():
    """Clock ticks every CPU of the machine has spent busy (not idle or waiting for I/O)."""
    with open("/proc/stat") as stat:
        values = [int(value) for value in stat.readline().split()[1:]]
    return sum(values) - values[3] - values[4]


def own_cpu_seconds():
    """CPU this script and its finished children (wrk) have used."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def machine_busy(seconds=1.0):
    """The share (0-1) of all CPUs busy over the next `seconds`."""
    before = busy_ticks()
    time.sleep(seconds)
    return (busy_ticks() - before) / (seconds * TICKS * cpu_count())


def wait_until_quiet(limit=0.15, patience=120):
    """Wait (up to `patience` s) until other work leaves the CPUs mostly idle, so
    that a measurement is not shared with, say, a test suite. Returns the last reading."""
    deadline = time.monotonic() + patience
    busy = machine_busy()
    if busy > limit:
        say(f"  the machine is {busy:.0%} busy with other work: waiting up to {patience} s for it to settle")
        while busy > limit and time.monotonic() < deadline:
            busy = machine_busy(2)
    return busy


class Watch:
    """While a measurement runs: the peak resident memory (VmHWM) of a server's
    workers, sampled so that workers recycled by max_requests count too, and
    how much of the machine's CPU went to the database and cache servers
    (`services`, by process name) and to processes that are not part of the
    benchmark at all (not the server, wrk, nginx, a service or this script),
    which shows a shared machine's noise."""

    def __init__(self, root_pid, services=(), interval=0.25):
        self.root_pid = root_pid
        self.services = set(services)
        self.interval = interval
        self.peaks = {}
        self.ticks = {}  # pid -> (ticks when first seen, latest ticks)
        self.service_pids = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self, first=False):
        workers = descendants(self.root_pid)
        if self.services:
            self.service_pids.update(processes_named(self.services))
        for pid in {self.root_pid, *workers, *self.service_pids}:
            ticks = cpu_ticks(pid)
            if ticks is not None:
                # A process born during the measurement used all its ticks in it.
                start = self.ticks.get(pid, (ticks if first else 0, 0))[0]
                self.ticks[pid] = (start, ticks)
        for pid in workers:
            peak = memory_kb(pid, "VmHWM")
            if peak is not None:
                self.peaks[pid] = max(peak, self.peaks.get(pid, 0))

    def _run(self):
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self):
        self._started = time.monotonic()
        self._busy, self._own = busy_ticks(), own_cpu_seconds()
        self._sample(first=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()
        elapsed = time.monotonic() - self._started
        busy = (busy_ticks() - self._busy) / TICKS
        used = {pid: (last - first) / TICKS for pid, (first, last) in self.ticks.items()}
        ours = sum(used.values()) + own_cpu_seconds() - self._own
        services = sum(seconds for pid, seconds in used.items() if pid in self.service_pids)
        self.service_cpu_share = services / (elapsed * cpu_count())
        self.other_cpu_share = max(0.0, busy - ours) / (elapsed * cpu_count())

    @property
    def max_mb(self):
        return max(self.peaks.values(), default=0) / 1024


@contextlib.contextmanager
def workdir(prefix, keep=False):
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        if keep:
            say(f"kept {path}")
        else:
            shutil.rmtree(path, ignore_errors=True)
