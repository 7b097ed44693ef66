"""Deployment checks of our own (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    if settings.CACHES["default"]["BACKEND"] not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            "The cache is not shared between processes.",
            hint=(
                "The production server runs several workers, each with its own page cache and content "
                "version: after an edit, other workers serve the old page. Leave CACHE_URL unset (a folder "
                "shared by this server's workers) or set CACHE_URL=redis://host:6379/0."
            ),
            id="radiology_guide.W001",
        )
    ]


@register(deploy=True)
def check_mail_is_configured(app_configs, **kwargs):
    if settings.DEBUG or settings.EMAIL_URL_SET:
        return []
    return [
        Error(
            "EMAIL_URL is not set, so no email would reach the clinic or a patient.",
            hint="Set EMAIL_URL=submission://user:password@smtp.example.org:587 (see docs/configuration.md).",
            id="radiology_guide.E002",
        )
    ]


@register()
def check_notify_is_complete(app_configs, **kwargs):
    """A Notify key without its template sends nothing; without a callback
    token no delivery receipt is ever accepted, and staff see "Still sending"."""
    if not settings.NOTIFY_API_KEY:
        return []
    problems = []
    if not settings.NOTIFY_SMS_TEMPLATE_ID:
        problems.append(
            Error(
                "NOTIFY_API_KEY is set but NOTIFY_SMS_TEMPLATE_ID is not: Notify would refuse every text message.",
                hint="Make a text message template of just ((message)) and set its id (docs/configuration.md).",
                id="radiology_guide.E022",
            )
        )
    if not settings.NOTIFY_CALLBACK_TOKEN:
        problems.append(
            Warning(
                "NOTIFY_CALLBACK_TOKEN is not set: Notify's delivery receipts are refused, so staff never see "
                "whether a text message arrived.",
                hint="In Notify, set a callback to <SITE_URL>/notify/callback/ with a bearer token; set it here too.",
                id="radiology_guide.W022",
            )
        )
    return problems
