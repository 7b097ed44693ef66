from django.contrib import admin
from django.shortcuts import redirect

from radiology_guide.core.models import ClinicDetails


@admin.register(ClinicDetails)
class ClinicDetailsAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "email"]

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
