"""Settings for Radiology Guide: one file, every value from the environment.

Defaults are safe and need no setup, for the server the README tells people
to run (several workers): DEBUG off, SQLite in the project folder, a cache in
files under var/ that every worker shares, and email written to files under
var/mail (never to the log). Production sets DATABASE_URL (PostgreSQL),
CACHE_URL (Redis) and EMAIL_URL; see docs/configuration.md. A value that
cannot be read (HTTPS=ture) stops start-up with the variable's name
(radiology_guide/config.py).
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from radiology_guide.config import (
    cache_from_url,
    cdn_purge_token,
    cdn_purge_url,
    database_url,
    env,
    env_bool,
    env_choice,
    env_decimal,
    env_int,
    env_list,
    env_notify_key,
    env_rate,
    env_url,
    env_uuid,
    is_set,
    mailer_from_url,
    secret_key_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent
# Files the running site writes (the shared cache, development mail). Not in git.
VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG")
# HTTPS=true in production (behind TLS): HTTPS redirect, HSTS, secure __Host-
# cookies and required two-factor sign-in for staff. Off by default so that
# `make run` works on plain http://127.0.0.1.
HTTPS = env_bool("HTTPS")
# Without SECRET_KEY, a random key made on the first start and kept in
# var/secret_key (config.py). Set SECRET_KEY when several servers share one
# database or cache: they must all have the same key.
SECRET_KEY = env("SECRET_KEY") or secret_key_file(VAR_DIR / "secret_key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    "crispy_forms",
    "crispy_forms_gds",
    "radiology_guide.core",
    "radiology_guide.images",
    "radiology_guide.guide",
    "radiology_guide.enquiries",
    "radiology_guide.feedback",
    "radiology_guide.staff",
]

MIDDLEWARE = [
    "radiology_guide.core.middleware.RequestLogMiddleware",
    # A cached page is answered here, before anything else runs; it was stored
    # with the headers that the middleware below added (security, CSP,
    # X-Frame-Options). See core/pagecache.py for what is never stored.
    "radiology_guide.core.pagecache.PageCacheMiddleware",
    # Above SecurityMiddleware and whitenoise, so the redirect to HTTPS and
    # static files get every security header too (CSP and X-Frame-Options included).
    "radiology_guide.core.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Whitenoise, without the manifest (staticfiles.json).
    "radiology_guide.core.middleware.StaticFilesMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the address alone (/pl/...), never a cookie or
    # the browser's Accept-Language: a page's address names exactly one page.
    "radiology_guide.core.middleware.LanguageFromPathMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "radiology_guide.staff.mfa.RequireStaffMFAMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "radiology_guide.core.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "radiology_guide.urls"
WSGI_APPLICATION = "radiology_guide.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "radiology_guide.core.context_processors.clinic",
            ],
        },
    },
]

# Database: SQLite in the project folder unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        database_url("DATABASE_URL", env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")),
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Its text-search and trigram migrations (guide.SearchEntry). Only here:
    # the app loads psycopg, 11 MB in every worker, which SQLite never uses.
    INSTALLED_APPS.insert(INSTALLED_APPS.index("axes"), "django.contrib.postgres")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # With Django's defaults, concurrent enquiry posts fail with "database is
    # locked" (measured: 63% of 2,000). WAL plus IMMEDIATE transactions and a
    # busy timeout store them all.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# The default cache is a folder of files that every worker of this server
# shares, so an edit shows on the next request to any worker. (A per-process
# local-memory cache served old pages on every worker after an edit: 0 of 6
# requests showed it.) Redis for several servers; locmem:// for tests only.
CACHES = {"default": cache_from_url("CACHE_URL", env("CACHE_URL", f"file://{VAR_DIR / 'cache'}"))}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# The patient-facing site in each language (issue 23): English at today's
# addresses, the others under /pl/, /ro/ and /ur/ (i18n_patterns in urls.py).
# Each is named in itself, as the header's language list shows it.
LANGUAGES = [("en-gb", "English"), ("pl", "Polski"), ("ro", "Română"), ("ur", "اردو")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# The image library's files (radiology_guide/images): Django's default storage,
# a folder here; docs/images.md says how to use an S3-compatible bucket instead.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = env("MEDIA_URL", "/media/")
# A bucket's address (MEDIA_URL=https://bucket.example/media/) joins img-src in the CSP.
MEDIA_ORIGINS = ["/".join(MEDIA_URL.split("/", 3)[:3])] if "://" in MEDIA_URL else []
IMAGE_MAX_BYTES = env_int("IMAGE_MAX_MB", 10, minimum=1) * 1_000_000
# Pixels are what a picture costs to decode, and a worker is replaced past
# 160 MiB (serve.py) from about 70 serving pages. 13 million lets a 12-megapixel
# phone photo (4032 x 3024) in whole; preparing it takes about 100 MiB as JPEG
# or PNG, 120 as PNG with transparency, 195 as WebP (bench/upload_memory.py).
# A larger JPEG is decoded at 1/2, 1/4 or 1/8 of its size to fit (40 million
# pixels: 81 MiB; before, 612 MiB at full size).
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_MEGAPIXELS", 13, minimum=1) * 1_000_000
WHITENOISE_MAX_AGE = 3600
# Whitenoise says Access-Control-Allow-Origin: * unless told not to; nothing here needs it.
WHITENOISE_ALLOW_ALL_ORIGINS = False

LOGIN_URL = "admin:login"
# Where a sign-in goes when its `next` is missing or refused (an address on
# another site): Django's default, /accounts/profile/, does not exist here.
LOGIN_REDIRECT_URL = "admin:index"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses sign-ins while an account is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# And per username from every address, for a client that forges its address
# (core/lockout.py): higher, so one attacker cannot lock the real user out.
LOGIN_USERNAME_FAILURE_LIMIT = env_int("LOGIN_USERNAME_FAILURE_LIMIT", 4 * AXES_FAILURE_LIMIT, minimum=1)
AXES_HANDLER = "radiology_guide.core.lockout.LockoutHandler"
# Axes' log lines, with the typed username and the address escaped.
AXES_CLIENT_STR_CALLABLE = "radiology_guide.core.lockout.client_str"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# One client-address function for axes, the rate limits and the logs; it
# honours TRUSTED_PROXY_COUNT (axes' own ipware setting needs django-ipware).
AXES_CLIENT_IP_CALLABLE = "radiology_guide.core.client.client_address"
AXES_VERBOSE = False  # no banner on every management command
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token", "code"]
# Two-factor sign-in (TOTP with recovery codes) for every staff and admin user.
REQUIRE_STAFF_MFA = env_bool("REQUIRE_STAFF_MFA", HTTPS)
OTP_TOTP_ISSUER = env("OTP_ISSUER", "Rinebraska Radiology Guide")

# Email (Django 6.1 mailers). Without EMAIL_URL each message is written to a
# file under var/mail, never to the log (a console mailer printed patients'
# addresses into the log stream); check --deploy refuses that in production.
EMAIL_URL_SET = is_set("EMAIL_URL")
MAILERS = {"default": mailer_from_url("EMAIL_URL", env("EMAIL_URL", f"file://{VAR_DIR / 'mail'}"))}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Rinebraska clinic <enquiries@rinebraska.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Emails are sent by a worker (`manage.py db_worker`), outside the patient's
# request, from tasks stored in the database: they survive a restart, and a
# slow mail server never holds up a page.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Text messages (and, if its template is set, email) through GOV.UK Notify
# (enquiries/messaging.py; docs/configuration.md). Without NOTIFY_API_KEY a
# text message is written to a file under var/sms, as email goes to var/mail,
# so the site works with nothing set. NOTIFY_BASE_URL is the client's base_url:
# our local Notify server (python -m radiology_guide.enquiries.notify_stub) in
# development.
NOTIFY_API_KEY = env_notify_key("NOTIFY_API_KEY")
NOTIFY_BASE_URL = env_url("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
# What Notify sends as "Authorization: Bearer ..." on delivery receipts to /notify/callback/.
NOTIFY_CALLBACK_TOKEN = env("NOTIFY_CALLBACK_TOKEN")
# Each template's whole content is one placeholder: ((message)) for text
# messages, ((subject)) and ((body)) for email, so what staff preview is what is sent.
NOTIFY_SMS_TEMPLATE_ID = env_uuid("NOTIFY_SMS_TEMPLATE_ID")
# Email goes through Notify only when this is set too; SMTP (EMAIL_URL) otherwise.
NOTIFY_EMAIL_TEMPLATE_ID = env_uuid("NOTIFY_EMAIL_TEMPLATE_ID")
# Notify's price for one text message fragment, in pence before VAT, after the
# free allowance. Notify changes it each April: check its pricing page.
SMS_FRAGMENT_COST_PENCE = env_decimal("SMS_FRAGMENT_COST_PENCE", "2.27")
SMS_DIR = Path(env("SMS_DIR", str(VAR_DIR / "sms")))

CRISPY_ALLOWED_TEMPLATE_PACKS = ("gds",)
CRISPY_TEMPLATE_PACK = "gds"

# Security headers: strict in every environment. HTTPS-only parts follow HTTPS below.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    # Plus the bucket's address when images come from one (MEDIA_URL).
    "img-src": [CSP.SELF, "data:", *MEDIA_ORIGINS],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HTTPS (see the top of this file) turns on the redirect, HSTS and secure,
# __Host- prefixed cookies.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
if env_bool("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # the age above is an idle timeout
# Sessions live in the shared cache when it is Redis (stateless app servers),
# otherwise in the database.
if "Redis" in CACHES["default"]["BACKEND"]:
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"

# The clinic and its enquiries.
ENQUIRY_NOTIFY_EMAILS = env_list("ENQUIRY_NOTIFY_EMAILS", "enquiries@rinebraska.example")
ENQUIRY_ACKNOWLEDGE = env_bool("ENQUIRY_ACKNOWLEDGE", True)
ENQUIRY_RATE_LIMIT = env_rate("ENQUIRY_RATE_LIMIT", "5/h")
# "Was this page useful?" answers and comments per client address.
FEEDBACK_RATE_LIMIT = env_rate("FEEDBACK_RATE_LIMIT", "20/h")
ENQUIRY_MIN_FILL_SECONDS = env_int("ENQUIRY_MIN_FILL_SECONDS", 3)
ENQUIRY_RETENTION_DAYS = env_int("ENQUIRY_RETENTION_DAYS", 365)
ENQUIRY_LINK_DAYS = env_int("ENQUIRY_LINK_DAYS", 30)
# The reply the form promises, in the clinic's working days (ClinicDetails).
ENQUIRY_REPLY_DAYS = env_int("ENQUIRY_REPLY_DAYS", 2, minimum=1)
CONTENT_DIR = Path(env("CONTENT_DIR", str(BASE_DIR / "content")))
# Full-page cache of public pages (0 turns it off); also the max-age that a CDN sees.
# With DEBUG on it is off, and guide pages are rendered on each request rather
# than from their stored HTML, so a template edit shows on the next request.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0 if DEBUG else 300)
# After every publish, the Tasks worker builds every public page into the cache (guide/cdn.py).
PAGE_CACHE_WARMING = env_bool("PAGE_CACHE_WARMING", True)
PAGE_STALE_SECONDS = env_int("PAGE_STALE_SECONDS", 60)
# A CDN in front (docs/operations.md): after each publish the Tasks worker
# POSTs what changed to CDN_PURGE_URL in Cloudflare's purge shape, with
# CDN_PURGE_TOKEN as a bearer token (core/cdn.py). Unset: nothing is sent.
CDN_PURGE_URL = cdn_purge_url("CDN_PURGE_URL", env("CDN_PURGE_URL"), is_set("SITE_URL"))
CDN_PURGE_TOKEN = cdn_purge_token("CDN_PURGE_TOKEN", env("CDN_PURGE_TOKEN"), CDN_PURGE_URL)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # stderr, so a command's own output (dumpdata > backup.json) stays clean.
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "line", "stream": "ext://sys.stderr"}},
    "root": {
        "handlers": ["stderr"],
        "level": env_choice("LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]),
    },
    "loggers": {
        # Our one-line request log replaces these; django.request still logs
        # server errors (its records carry the path, never POST data).
        "django.request": {"level": "ERROR"},
        "django.server": {"handlers": [], "propagate": False},
        # Notify's client logs the text of Notify's error replies: ours
        # (enquiries/messaging.py) logs the status code and the message's id.
        "notifications_python_client": {"level": "ERROR"},
    },
}
CLINICAL_REVIEWER_ROLE = env("CLINICAL_REVIEWER_ROLE", "Consultant radiologist, Rinebraska")
# On, publishing a draft also records clinical approval: only a clinician with
# the approval permission can publish, and never their own last edit
# (docs/editing.md). Recommended for a clinic.
PUBLISH_REQUIRES_APPROVAL = env_bool("PUBLISH_REQUIRES_APPROVAL")
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
BACKUP_DIR = Path(env("BACKUP_DIR", str(VAR_DIR / "backups")))
