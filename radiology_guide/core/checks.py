"""Deployment checks of our own (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

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
            "The cache is not shared between processes (CACHE_URL is not a Redis URL).",
            hint=(
                "The production server runs one worker per core, each with its own page cache, content "
                "version and rate-limit counts: after an edit, other workers serve the old page for up to "
                "PAGE_CACHE_SECONDS. Set CACHE_URL=redis://host:6379/0."
            ),
            id="radiology_guide.W001",
        )
    ]
