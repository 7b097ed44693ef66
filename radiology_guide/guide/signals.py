"""Any change to content retires every cached page, on every server, and
keeps glossary links, pre-rendered guide pages and the search index current."""

import contextlib
import contextvars

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from radiology_guide.core.cache import bump_content_version
from radiology_guide.core.models import ClinicDetails
from radiology_guide.guide import prerender, search
from radiology_guide.guide.models import FAQ, ComparisonRow, GlossaryTerm, Page, rerender_all

# While sync_content runs it re-renders and re-indexes once at the end, rather
# than once per object. A context variable, so a save in another thread or
# request is never affected.
_syncing = contextvars.ContextVar("syncing", default=False)


@contextlib.contextmanager
def bulk_sync():
    token = _syncing.set(True)
    try:
        yield
    finally:
        _syncing.reset(token)


def retire_cached_pages():
    # Now, and again once the change is committed: a reader who asks in
    # between could otherwise cache the old page under the new version.
    bump_content_version()
    transaction.on_commit(bump_content_version)


@receiver([post_save, post_delete], sender=Page)
def page_changed(sender, **kwargs):
    # Other guide pages name this one (previous/next, related links).
    if not _syncing.get():
        prerender.prerender_all()


@receiver([post_save, post_delete], sender=Page)
@receiver([post_save, post_delete], sender=ComparisonRow)
@receiver([post_save, post_delete], sender=FAQ)
def content_changed(sender, **kwargs):
    retire_cached_pages()


@receiver([post_save, post_delete], sender=GlossaryTerm)
def glossary_changed(sender, **kwargs):
    if not _syncing.get():
        rerender_all()
    retire_cached_pages()


@receiver(post_save, sender=Page)
@receiver(post_save, sender=FAQ)
@receiver(post_save, sender=GlossaryTerm)
def search_entry_saved(sender, instance, **kwargs):
    if not _syncing.get():
        search.update_entry(instance)


@receiver(post_delete, sender=Page)
@receiver(post_delete, sender=FAQ)
@receiver(post_delete, sender=GlossaryTerm)
def search_entry_deleted(sender, instance, **kwargs):
    if not _syncing.get():
        search.remove_entry(instance)


@receiver(post_save, sender=ClinicDetails)
def clinic_details_changed(sender, instance, **kwargs):
    # Scan and procedure pages give the clinic's phone number in "When to get help".
    prerender.prerender_all(clinic=instance)
