"""The one signal left: the clinic's details live in core, which cannot call
into guide (imports go guide -> core), and scan and procedure pages show the
clinic's phone number in "When to get help". Every content change goes
through guide/publishing.py instead."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from radiology_guide.core.models import ClinicDetails
from radiology_guide.guide import cdn, prerender, translations


@receiver(post_save, sender=ClinicDetails)
def clinic_details_changed(sender, instance, **kwargs):
    prerender.prerender_all(clinic=instance)
    translations.render_all(clinic=instance)
    # Every page shows them (the footer): warm them all, purge everything.
    # (With Django's immediate Tasks backend, in tests, the warming runs
    # before ClinicDetails.save's own retirement after the commit, and is
    # wasted; the worker runs it later, after both.)
    cdn.after_publish(None)
