"""Content editing in Django admin: drafts, preview, publishing and history.

Saving ("Save draft") keeps the edit as a draft; patients keep seeing the
published version until someone with the ``publish_content`` permission
presses "Save and publish". Every change goes through guide/publishing.py.
"""

from django.contrib import admin, messages
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from radiology_guide.guide import publishing, readability
from radiology_guide.guide.admin_content import PUBLISHING_FIELDSET, ContentAdmin
from radiology_guide.guide.admin_forms import PageForm
from radiology_guide.guide.models import APPROVED, FAQ, ComparisonRow, GlossaryTerm, Page, Synonym
from radiology_guide.guide.review_sheet import ReviewerProfile  # the sheet's form records it
from radiology_guide.guide.review_sheet import admin_view as review_sheet_view


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


class UnpublishedFilter(admin.SimpleListFilter):
    title = "publishing"
    parameter_name = "unpublished"

    def lookups(self, request, model_admin):
        return [("yes", "Unpublished changes"), ("no", "Published as it is")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(has_draft=self.value() == "yes")
        return queryset


@admin.register(Page)
class PageAdmin(ContentAdmin):
    form = PageForm
    list_display = ["title", "kind", "order", "review_status", "unpublished", "next_review_due", "updated_at"]
    list_filter = ["kind", "review_status", UnpublishedFilter, ReviewOverdueFilter]
    search_fields = ["title", "summary", "body", "slug"]
    ordering = ["kind", "order", "title"]
    readonly_fields = ["review_record", "reading_age", "rendered_preview", "updated_at"]
    actions = ["approve_pages"]
    preview_field = "body_html"
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "summary", "order", "body", "reading_age", "rendered_preview"]}),
        ("Comparison table", {"fields": ["caption"], "classes": ["collapse"]}),
        (
            "Scan or procedure facts",
            {
                "fields": [
                    "duration", "ionising_radiation", "dose_band", "dose", "dose_source", "sedation",
                    "sedation_aftercare", "usual_stay",
                ]
            },
        ),
        (
            "Scan or procedure safety",
            {"fields": ["preparation", "preparation_timing", "warning_signs", "risks"]},
        ),
        ("Sources and links", {"fields": ["sources", "related_pages"]}),
        ("Clinical review", {"fields": ["review_record"]}),
        PUBLISHING_FIELDSET,
    ]  # fmt: skip
    #: Fieldsets shown only for some pages: scan and procedure facts and safety,
    #: the comparison table's caption.
    SCAN_AND_PROCEDURE_ONLY = ("Scan or procedure facts", "Scan or procedure safety")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.kind == Page.Kind.EASY_READ:
            # Its own words for the three tiers of help, under the same rules; no facts box.
            safety_fields = {"Scan or procedure safety": ["warning_signs"]}
            fieldsets = [
                (name, {**options, "fields": safety_fields.get(name, options["fields"])})
                for name, options in fieldsets
                if name != "Scan or procedure facts"
            ]
        elif obj is not None and obj.kind not in (Page.Kind.SCAN, Page.Kind.PROCEDURE):
            fieldsets = [fs for fs in fieldsets if fs[0] not in self.SCAN_AND_PROCEDURE_ONLY]
        if obj is not None and obj.slug != "compare":
            fieldsets = [fs for fs in fieldsets if fs[0] != "Comparison table"]
        if obj is not None and obj.kind in (Page.Kind.PAGE, Page.Kind.EASY_READ):
            fieldsets = [
                (name, {**options, "fields": [f for f in options["fields"] if f != "related_pages"]})
                for name, options in fieldsets
            ]
        return fieldsets

    @admin.display(description="Reading age (as saved)")
    def reading_age(self, page):
        if not page.pk or not page.body_html:
            return "Save to see the reading age."
        grade, smog = readability.html_scores(page.body_html)
        verdict = (
            "within the standard"
            if grade <= readability.MAX_GRADE and smog <= readability.MAX_SMOG
            else "above the standard: use shorter sentences and shorter words"
        )
        return (
            f"Flesch-Kincaid grade {grade:.1f} (at most {readability.MAX_GRADE:g}), "
            f"SMOG {smog:.1f} (at most {readability.MAX_SMOG:g}): {verdict}."
        )

    @admin.display(description="Clinical review")
    def review_record(self, page):
        sheet = format_html(
            ' <a href="{}">Review sheet (print it, or approve it there)</a>',
            reverse("admin:guide_page_review_sheet", args=[page.pk]) if page.pk else "",
        )
        if page.review_status == APPROVED:
            return format_html(
                "Approved by {} ({}{}) on {}, review sheet {}. Next review due {}. Publishing a change to anything a "
                "patient sees returns the page to draft.{}",
                page.approved_by_name,
                page.reviewer_role,
                f", {page.reviewer_registration}" if page.reviewer_registration else "",
                page.approved_on,
                page.review_sheet or "not recorded",
                page.next_review_due,
                sheet,
            )
        return format_html(
            "Awaiting clinical review. Approval sets the review dates; editing an approved page sends it back here.{}",
            sheet if page.pk else "",
        )

    def get_urls(self):
        sheet = path(
            "<path:object_id>/review-sheet/",
            self.admin_site.admin_view(review_sheet_view),
            name="guide_page_review_sheet",
        )
        return [sheet, *super().get_urls()]

    @admin.action(description="Record clinical approval of the selected pages", permissions=["approve"])
    def approve_pages(self, request, queryset):
        refused = publishing.approve(queryset, request.user)
        approved = queryset.count() - len(refused)
        if approved:
            self.message_user(request, f"Recorded your approval of {approved} page(s).", messages.SUCCESS)
        for refusal in refused:
            self.message_user(request, f"Not approved: {refusal} Another clinician must approve it.", messages.WARNING)

    def has_approve_permission(self, request):
        return request.user.has_perm(publishing.APPROVE_PERMISSION)


class ChildAdmin(ContentAdmin):
    readonly_fields = ["rendered_preview", "updated_at"]

    def get_fieldsets(self, request, obj=None):
        fields = [name for name in self.model.FILE_FIELDS] + list(self.readonly_fields)
        return [(None, {"fields": fields}), PUBLISHING_FIELDSET if obj else ("Saving", {"fields": ["change_note"]})]


@admin.register(ComparisonRow)
class ComparisonRowAdmin(ChildAdmin):
    list_display = ["feature", "order", "unpublished", "diagnostic", "interventional"]
    list_filter = [UnpublishedFilter]
    search_fields = ["feature", "diagnostic", "interventional"]
    preview_field = "interventional_html"


@admin.register(FAQ)
class FAQAdmin(ChildAdmin):
    list_display = ["question", "group", "order", "unpublished"]
    list_filter = ["group", UnpublishedFilter]
    search_fields = ["question", "answer", "anchor"]
    preview_field = "answer_html"


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(ChildAdmin):
    list_display = ["term", "aliases", "unpublished"]
    list_filter = [UnpublishedFilter]
    search_fields = ["term", "aliases", "definition"]
    prepopulated_fields = {"slug": ["term"]}
    preview_field = "definition_html"


# ---------------------------------------------------------------------------
# History


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Patients' words for pages: what search puts first (see guide/synonyms.py)."""

    list_display = ["phrase", "url", "from_file"]
    list_editable = ["url"]
    search_fields = ["phrase", "url"]
    fields = ["phrase", "url"]

    # Which page a patient's words lead to is a change they see at once.
    def has_add_permission(self, request):
        return super().has_add_permission(request) and publishing.may_change_live(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and publishing.may_change_live(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and publishing.may_change_live(request.user)

    @admin.display(boolean=True, description="In content/synonyms.yml")
    def from_file(self, obj):
        return obj.url == obj.synced_url


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(admin.ModelAdmin):
    """A clinician's role and registration, shown on the pages they approve."""

    list_display = ["user", "role", "registration"]


from radiology_guide.guide import (  # noqa: E402, F401 - they register their admin
    admin_drafts,
    admin_library,
    admin_revisions,
    admin_translations,
)
