import csv

from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from radiology_guide.enquiries.models import Enquiry, EnquiryEvent, EnquiryLink, erase_contact, inbox_workers

CSV_FIELDS = ["reference", "received_at", "status", "topic_title", "name", "email", "phone", "preferred_contact"]


class EnquiryEventInline(admin.TabularInline):
    """The staff area's timeline, read-only: actions happen in /staff/enquiries/."""

    model = EnquiryEvent
    fields = ["at", "by", "kind", "detail"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Enquiry)
class EnquiryAdmin(admin.ModelAdmin):
    inlines = [EnquiryEventInline]
    list_display = ["reference", "received_at", "topic_title", "status", "assignee", "link"]
    list_filter = ["status", "preferred_contact", "received_at", "topic_title", "link"]
    search_fields = ["reference", "name", "email", "phone"]
    list_select_related = ["assignee", "link"]
    date_hierarchy = "received_at"
    actions = ["export_csv", "erase_same_contact"]
    fieldsets = [
        (_("Enquiry"), {"fields": ["reference", "received_at", "topic_title", "link", "message"]}),
        (_("Contact"), {"fields": ["name", "email", "phone", "preferred_contact"]}),
        (
            _("Handling"),
            {
                "fields": [
                    "status",
                    "assignee",
                    "notes",
                    "status_changed_by",
                    "status_changed_at",
                    "first_contacted_at",
                    "outcome",
                ]
            },
        ),
        (_("Emails"), {"fields": ["notified_at", "notify_attempts", "acknowledged_at", "consent_at"]}),
    ]
    # The admin shows every read-only value escaped, so any HTML a patient typed is inert.
    readonly_fields = [
        "reference", "received_at", "topic_title", "link", "message", "name", "email", "phone",
        "preferred_contact", "status_changed_by", "status_changed_at", "notified_at", "notify_attempts",
        "acknowledged_at", "consent_at", "first_contacted_at", "outcome",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False  # enquiries come from patients, through the form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only people who can work the inbox: the list named every user
        # (patients' details would be handed to someone who cannot see them).
        if db_field.name == "assignee":
            kwargs["queryset"] = inbox_workers().order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.set_status(obj.status, request.user)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Download the selected enquiries as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="enquiries-{stamp}.csv"'
        response["Cache-Control"] = "no-store"
        writer = csv.writer(response)
        writer.writerow(CSV_FIELDS)
        for enquiry in queryset:
            writer.writerow([_csv_safe(getattr(enquiry, name)) for name in CSV_FIELDS])
        return response

    @admin.action(
        description=_("Erase every enquiry from the same email or phone as the selected ones"), permissions=["delete"]
    )
    def erase_same_contact(self, request, queryset):
        total = sent = 0
        for enquiry in list(queryset):
            erased, texts = erase_contact(enquiry.email, enquiry.phone)
            total, sent = total + erased, sent + texts
        # Two counts, each with its own plural, in one sentence.
        enquiries = ngettext("%(count)d enquiry", "%(count)d enquiries", total) % {"count": total}
        texts = ngettext("%(count)d link message", "%(count)d link messages", sent) % {"count": sent}
        self.message_user(
            request,
            gettext("Erased %(enquiries)s and %(messages)s.") % {"enquiries": enquiries, "messages": texts},
            messages.SUCCESS,
        )


def _csv_safe(value):
    """Stop a spreadsheet from running a formula a patient typed (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@admin.register(EnquiryLink)
class EnquiryLinkAdmin(admin.ModelAdmin):
    list_display = ["label", "topic_title", "created_by", "created_at", "expires_at", "opens", "revoked_at"]
    list_filter = ["topic_title", "created_at"]
    search_fields = ["label", "topic_title", "token"]
    readonly_fields = ["token", "created_by", "created_at", "opens"]

    def get_readonly_fields(self, request, obj=None):
        # Revoking is for good: a link that may have been seen by the wrong
        # person must not quietly start working again.
        if obj is not None and obj.revoked_at is not None:
            return [*self.readonly_fields, "expires_at", "revoked_at"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
