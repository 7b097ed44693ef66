import difflib
import json

from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from radiology_guide.guide.models import APPROVED, FAQ, ComparisonRow, GlossaryTerm, Page, Revision, Synonym


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


class RevisionsMixin:
    """Record a revision on every save, and list recent ones on the form."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        Revision.record(obj, request.user)

    @admin.display(description="Revisions")
    def revisions(self, obj):
        if not obj.pk:
            return "-"
        rows = Revision.objects.filter(model=obj._meta.model_name, object_id=obj.pk)[:10]
        if not rows:
            return "No admin edits yet."
        return format_html_join(
            mark_safe("<br>"),  # noqa: S308 - a constant
            '<a href="{}">{}</a> by {}',
            (
                (reverse("admin:guide_revision_change", args=[r.pk]), r.saved_at.strftime("%d %b %Y %H:%M"), r.saved_by)
                for r in rows
            ),
        )


@admin.register(Page)
class PageAdmin(RevisionsMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "order", "review_status", "next_review_due", "updated_at"]
    list_filter = ["kind", "review_status", ReviewOverdueFilter]
    search_fields = ["title", "summary", "body", "slug"]
    ordering = ["kind", "order", "title"]
    readonly_fields = ["review_record", "rendered_preview", "updated_at", "revisions"]
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


class ChildAdmin(RevisionsMixin, admin.ModelAdmin):
    readonly_fields = ["rendered_preview", "updated_at", "revisions"]
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


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["title", "model", "saved_by", "saved_at"]
    list_filter = ["model", "saved_at"]
    search_fields = ["title"]
    readonly_fields = ["title", "model", "object_id", "saved_by", "saved_at", "changes_since"]
    exclude = ["fields"]
    actions = ["restore"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("guide.view_page")

    @admin.display(description="Changes from this revision to the content now")
    def changes_since(self, revision):
        current = revision.target()
        if current is None:
            return "The content has since been deleted."
        now = json.loads(json.dumps(current.file_fields(), default=str))
        lines = []
        for name, old in revision.fields.items():
            new = now.get(name)
            if old != new:
                old_lines = str(old if old is not None else "").splitlines()
                new_lines = str(new if new is not None else "").splitlines()
                lines += difflib.unified_diff(
                    old_lines, new_lines, f"{name} (this revision)", f"{name} (now)", lineterm=""
                )
        if not lines:
            return "Identical to the content now."
        return format_html('<pre style="white-space:pre-wrap">{}</pre>', "\n".join(lines))

    @admin.action(description="Restore the words of the selected revision")
    def restore(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one revision to restore.", messages.WARNING)
            return
        revision = queryset.get()
        target = revision.target()
        if target is None or not request.user.has_perm(f"guide.change_{revision.model}"):
            self.message_user(request, "That content cannot be restored.", messages.ERROR)
            return
        revision.restore(request.user)
        self.message_user(
            request,
            f"Restored '{revision.title}'. If it had been approved, it now awaits clinical review again.",
            messages.SUCCESS,
        )


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Patients' words for pages: what search puts first (see guide/synonyms.py)."""

    list_display = ["phrase", "url", "from_file"]
    list_editable = ["url"]
    search_fields = ["phrase", "url"]
    fields = ["phrase", "url"]

    @admin.display(boolean=True, description="In content/synonyms.yml")
    def from_file(self, obj):
        return obj.url == obj.synced_url
