from django.contrib import admin
from django.shortcuts import redirect

from radiology_guide.core.models import ClinicDetails


@admin.register(ClinicDetails)
class ClinicDetailsAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "email"]
    fieldsets = [
        (None, {"fields": ["name", "phone", "email", "address", "opening_hours"]}),
        (
            "Visiting the clinic page (/visiting/)",
            {
                "fields": ["getting_here", "parking", "step_free_access"],
                "description": "Plain sentences, a blank line between paragraphs. Left empty, the page asks people "
                "to call you instead.",
            },
        ),
        (
            "Working days (how the 'reply within 2 working days' promise is counted)",
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

    def has_change_permission(self, request, obj=None):
        # The phone number is on every page, four times on an approved scan
        # page ("When to get help"): changing it needs what publishing needs.
        # Imported here: core sits below the guide app, whose rule this is.
        from radiology_guide.guide.approval import may_change_live

        return super().has_change_permission(request, obj) and may_change_live(request.user)

    def has_delete_permission(self, request, obj=None):
        return False
