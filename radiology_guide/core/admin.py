from django.contrib import admin

from radiology_guide.core.models import ClinicDetails


@admin.register(ClinicDetails)
class ClinicDetailsAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "email"]

    def has_add_permission(self, request):
        return not ClinicDetails.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
