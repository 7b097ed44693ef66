"""Reading settings from the environment, strictly.

A mistyped value stops start-up with a message that names the variable,
rather than silently meaning "off": ``HTTPS=ture`` once meant no HSTS, no
secure cookies and no required two-factor sign-in. ``settings.py`` calls
these; nothing else reads the environment.
"""

import os
import re
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def env(name: str, default: str = "") -> str:
    value = os.environ.get(name, "")
    return value if value != "" else default


def is_set(name: str) -> bool:
    return os.environ.get(name, "") != ""


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={os.environ[name]!r} is not a yes/no value: use true or false.")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum of {minimum}.")
    return number


def env_choice(name: str, default: str, choices: list[str]) -> str:
    value = env(name, default).strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(choices)}.")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_decimal(name: str, default: str) -> Decimal:
    """A price such as 2.27 (pence): never negative."""
    value = env(name, default).strip()
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number such as 2.27.") from None
    if not number.is_finite() or number < 0:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number of 0 or more.")
    return number


UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def env_uuid(name: str) -> str:
    """A Notify template id (a UUID), or "" when not set."""
    example = "f33517ff-2a88-4f6e-b855-c550268ce08a"
    value = env(name).strip().lower()
    if value and not re.fullmatch(UUID, value):
        raise ImproperlyConfigured(f"{name}={value!r} is not a template id, such as {example}.")
    return value


def env_notify_key(name: str) -> str:
    """A GOV.UK Notify API key, `name-<service id>-<secret>` (two UUIDs at the
    end), or "" when not set. Notify's client cuts the key at fixed places, so a
    key pasted with a space or missing a character would sign every request
    wrongly: refused here with the variable's name, never printed."""
    value = env(name).strip()
    if value and not re.fullmatch(rf"[A-Za-z0-9_-]+-{UUID}-{UUID}", value):
        raise ImproperlyConfigured(
            f"{name} is not a GOV.UK Notify API key: it ends with two ids, as in name-<service id>-<secret>."
        )
    return value


def env_url(name: str, default: str) -> str:
    """An http(s) address, without a trailing slash."""
    value = env(name, default).strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ImproperlyConfigured(f"{name}={value!r} is not an address such as https://api.example.")
    return value


RATE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'5/h' -> (5, 3600); '10/15m' -> (10, 900). Raises ValueError."""
    count, slash, period = rate.strip().partition("/")
    if not slash or not period or period[-1] not in RATE_UNITS or not count.isdigit():
        raise ValueError(rate)
    number = period[:-1] or "1"
    if not number.isdigit() or int(number) == 0:
        raise ValueError(rate)
    return int(count), int(number) * RATE_UNITS[period[-1]]


def env_rate(name: str, default: str) -> str:
    """A rate such as 5/h, 20/d or 10/15m."""
    value = env(name, default).strip()
    try:
        parse_rate(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a rate such as 5/h, 20/d or 10/15m.") from None
    return value


def cache_from_url(name: str, url: str) -> dict:
    """A CACHES entry from a URL: file:///folder, redis://, locmem:// or dummy://.

    file:// is shared by every process on one machine (one server, several
    workers, no Redis); redis:// by every server; locmem:// is each
    process's own (tests only: with several workers an edit would not show
    on the others).
    """
    scheme = urlsplit(url).scheme
    if scheme in {"redis", "rediss", "unix"}:
        return {
            "BACKEND": "radiology_guide.core.redis_cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "rg"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    if scheme == "file":
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": _folder(name, url),
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "radiology-guide"}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(f"{name}={url!r}: use file:///folder, redis://host:6379/0, locmem:// or dummy://.")


def mailer_from_url(name: str, url: str) -> dict:
    """A MAILERS entry from a URL: smtp://, submission:// (STARTTLS), smtps://
    (TLS), file:///folder (each message a file: development), locmem:// (tests)."""
    parts = urlsplit(url)
    if parts.scheme in {"smtp", "smtps", "submission"}:
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname or "localhost",
                "port": parts.port or (465 if parts.scheme == "smtps" else 587),
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_ssl": parts.scheme == "smtps",
                "use_tls": parts.scheme == "submission",
                "timeout": 10,
            },
        }
    if parts.scheme == "file":
        return {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": _folder(name, url)},
        }
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    raise ImproperlyConfigured(
        f"{name}={url!r}: use smtp://, submission:// or smtps://user:password@host:port, or file:///folder."
    )


def database_url(name: str, url: str) -> str:
    if urlsplit(url).scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(f"{name}={url!r}: use postgres://user:password@host:5432/name or sqlite:///path.")
    return url


def _folder(name: str, url: str) -> str:
    parts = urlsplit(url)
    path = unquote(parts.path)
    if parts.netloc not in ("", "localhost") or not Path(path).is_absolute():
        raise ImproperlyConfigured(f"{name}={url!r}: give an absolute folder, as in file:///var/cache/radiology-guide.")
    return path


def secret_key_file(path: Path) -> str:
    """The secret key kept in ``path``, made on the first start without SECRET_KEY.

    A key written in settings.py would be the same on every copy of the site,
    so anyone could sign a preview link or a session offline. The file is made
    readable by its owner only, and appears whole or not at all: it is written
    under a name of its own and then linked into place, which fails if another
    worker got there first; then that worker's key is read, so every worker
    starting at the same moment agrees on one key.
    """
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(50) + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another worker's key is in place: use it
        finally:
            draft.unlink()
        return _read_key(path)
    except OSError as error:
        raise ImproperlyConfigured(f"SECRET_KEY is not set and {path} cannot be written ({error}).") from None


def _read_key(path: Path) -> str:
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 50:
        raise ImproperlyConfigured(f"{path} holds no usable secret key: delete it, or set SECRET_KEY.")
    return key


LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
# RFC 6750's b64token: what a bearer token may hold. Anything else (a space,
# a newline pasted in with it) could not be sent as one header.
BEARER_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


def cdn_purge_url(name: str, url: str, site_url_set: bool) -> str:
    """Where a publish POSTs its purge request (docs/operations.md "A CDN in
    front"): https://, or http:// only to this machine (a relay of one's
    own), since the request carries the token. "" for no CDN."""
    if url == "":
        return ""
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ImproperlyConfigured(f"{name}={url!r} has a port that is not a number.") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ImproperlyConfigured(f"{name}={url!r}: give the purge endpoint's https:// address.")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        raise ImproperlyConfigured(f"{name}={url!r}: the token would be sent in clear; use https://.")
    if parts.username or parts.password or parts.fragment:
        raise ImproperlyConfigured(f"{name}={url!r}: no user, password or #fragment (use CDN_PURGE_TOKEN).")
    if not site_url_set:
        raise ImproperlyConfigured(f"{name} is set but SITE_URL is not: purges name the pages by their public address.")
    return url


def cdn_purge_token(name: str, token: str, purge_url: str) -> str:
    if token == "":
        return ""
    if not purge_url:
        raise ImproperlyConfigured(f"{name} is set but CDN_PURGE_URL is not.")
    if not BEARER_TOKEN.fullmatch(token):
        # The value itself is never repeated: it is a secret.
        raise ImproperlyConfigured(f"{name} holds characters a bearer token cannot (a space or a line break?).")
    return token
