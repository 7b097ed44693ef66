from django.contrib import admin
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from radiology_guide.core.models import ClinicDetails


class ClinicDetailsAdmin(admin.ModelAdmin):
    """The clinic's one row of details. Registered by the guide app
    (guide/admin_library.py), whose publishing rules guard a change to it."""

    list_display = ["name", "phone", "email"]
    fieldsets = [
        (None, {"fields": ["name", "phone", "email", "address", "opening_hours"]}),
        (
            _("Visiting the clinic page (/visiting/)"),
            {
                "fields": ["getting_here", "parking", "step_free_access"],
                "description": _(
                    "Plain sentences, a blank line between paragraphs. Left empty, the page asks people "
                    "to call you instead."
                ),
            },
        ),
        (
            _("Working days (how the 'reply within 2 working days' promise is counted)"),
            {"fields": ["working_days", "bank_holidays"]},
        ),
    ]

    def has_add_permission(self, request):
        # The row is made by a migration; adding is only for a database where
        # it was deleted by hand, and only by someone allowed to add.
        return super().has_add_permission(request) and not ClinicDetails.objects.exists()

    def changelist_view(self, request, extra_context=None):
        # One row only: go straight to it (its defaults are shown until saved).
        details = ClinicDetails.objects.filter(pk=1).first()
        if details is None:
            return redirect("admin:core_clinicdetails_add")
        return redirect("admin:core_clinicdetails_change", details.pk)

    def has_delete_permission(self, request, obj=None):
        return False
