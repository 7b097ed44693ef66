"""Any change to content retires every cached page, on every server."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from radiology_guide.core.cache import bump_content_version
from radiology_guide.guide import search
from radiology_guide.guide.models import FAQ, ComparisonRow, GlossaryTerm, Page, rerender_all

SYNCING = {"active": False}  # sync_content re-renders once at the end instead


@receiver([post_save, post_delete], sender=Page)
@receiver([post_save, post_delete], sender=ComparisonRow)
@receiver([post_save, post_delete], sender=FAQ)
def content_changed(sender, **kwargs):
    bump_content_version()


@receiver([post_save, post_delete], sender=GlossaryTerm)
def glossary_changed(sender, **kwargs):
    if not SYNCING["active"]:
        rerender_all()
    bump_content_version()


@receiver(post_save, sender=Page)
@receiver(post_save, sender=FAQ)
@receiver(post_save, sender=GlossaryTerm)
def search_entry_saved(sender, instance, **kwargs):
    if not SYNCING["active"]:
        search.update_entry(instance)


@receiver(post_delete, sender=Page)
@receiver(post_delete, sender=FAQ)
@receiver(post_delete, sender=GlossaryTerm)
def search_entry_deleted(sender, instance, **kwargs):
    if not SYNCING["active"]:
        search.remove_entry(instance)
