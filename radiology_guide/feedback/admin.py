from django.contrib import admin

from radiology_guide.feedback.models import PageFeedback


@admin.register(PageFeedback)
class PageFeedbackAdmin(admin.ModelAdmin):
    """Answers one by one, with a table per page above them (the least useful first)."""

    list_display = ["path", "useful", "comment", "created_at"]
    list_filter = ["useful", "created_at"]
    search_fields = ["path", "comment"]
    readonly_fields = ["path", "useful", "comment", "created_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "per_page": PageFeedback.objects.per_page()[:100]}
        return super().changelist_view(request, extra_context)
