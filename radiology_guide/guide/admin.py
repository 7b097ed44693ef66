from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from radiology_guide.guide.models import APPROVED, FAQ, ComparisonRow, GlossaryTerm, Page


class ReviewOverdueFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", "Review overdue"), ("due-soon", "Due within 90 days")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.review_overdue(today)
        if self.value() == "due-soon":
            return queryset.filter(next_review_due__gte=today, next_review_due__lte=today + timezone.timedelta(days=90))
        return queryset


def preview(html):
    # The HTML was sanitised with an allow-list when it was saved.
    return mark_safe(f'<div class="rendered-preview" style="max-width:44rem">{html}</div>')  # noqa: S308


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "order", "review_status", "next_review_due", "updated_at"]
    list_filter = ["kind", "review_status", ReviewOverdueFilter]
    search_fields = ["title", "summary", "body", "slug"]
    ordering = ["kind", "order", "title"]
    readonly_fields = ["review_record", "rendered_preview", "updated_at"]
    actions = ["approve_pages"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "summary", "order", "body", "rendered_preview"]}),
        ("Comparison table", {"fields": ["caption"], "classes": ["collapse"]}),
        (
            "Scan or procedure facts",
            {"fields": ["duration", "ionising_radiation", "dose_band", "sedation", "usual_stay"]},
        ),
        (
            "Review",
            {"fields": ["review_record", "last_reviewed", "next_review_due", "reviewer_role", "sources", "related"]},
        ),
    ]

    @admin.display(description="Preview")
    def rendered_preview(self, page):
        return preview(page.body_html) if page.pk else "Save the page to see a preview."

    @admin.display(description="Clinical review")
    def review_record(self, page):
        if page.review_status == APPROVED:
            return format_html("Approved by {} on {}", page.approved_by_name, page.approved_on)
        return "Awaiting clinical review: editing an approved page sends it back here."

    @admin.action(description="Record clinical approval of the selected pages", permissions=["approve"])
    def approve_pages(self, request, queryset):
        for page in queryset:
            page.approve(request.user)
        self.message_user(request, f"Recorded your approval of {queryset.count()} page(s).", messages.SUCCESS)

    def has_approve_permission(self, request):
        return request.user.has_perm("guide.approve_page")


class ChildAdmin(admin.ModelAdmin):
    readonly_fields = ["rendered_preview", "updated_at"]
    preview_field = ""

    @admin.display(description="Preview")
    def rendered_preview(self, obj):
        return preview(getattr(obj, self.preview_field)) if obj.pk else "Save to see a preview."


@admin.register(ComparisonRow)
class ComparisonRowAdmin(ChildAdmin):
    list_display = ["feature", "order", "diagnostic", "interventional"]
    list_editable = ["order"]
    search_fields = ["feature", "diagnostic", "interventional"]
    preview_field = "interventional_html"


@admin.register(FAQ)
class FAQAdmin(ChildAdmin):
    list_display = ["question", "group", "order"]
    list_editable = ["order"]
    list_filter = ["group"]
    search_fields = ["question", "answer", "anchor"]
    preview_field = "answer_html"


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(ChildAdmin):
    list_display = ["term", "aliases"]
    search_fields = ["term", "aliases", "definition"]
    prepopulated_fields = {"slug": ["term"]}
    preview_field = "definition_html"
