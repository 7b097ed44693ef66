"""Every revision of every piece of content, in admin: what changed (a word
diff against the one before, and against now), and "Restore this version"
(its words back as a new draft, never its approval)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse

from radiology_guide.guide import clinical_review, content_types, drafts
from radiology_guide.guide.changes import fields_diff
from radiology_guide.guide.models import Revision


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["title", "model", "action", "note", "saved_by", "saved_at"]
    list_filter = ["model", "action", "saved_at"]
    search_fields = ["title", "note"]
    readonly_fields = ["title", "model", "action", "note", "saved_by", "saved_at", "changes", "changes_since"]
    exclude = ["fields", "object_id"]
    change_form_template = "admin/guide/revision_change_form.html"

    class Media:
        css = {"all": ["css/content-admin.css"]}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("guide.view_page")

    def _previous(self, revision):
        return (
            Revision.objects.filter(model=revision.model, object_id=revision.object_id, saved_at__lte=revision.saved_at)
            .exclude(pk=revision.pk)
            .exclude(saved_at=revision.saved_at, pk__gt=revision.pk)
            .first()
        )

    @admin.display(description="What this change did")
    def changes(self, revision):
        previous = self._previous(revision)
        if previous is None:
            return "The first version kept."
        return fields_diff(previous.fields, revision.fields)

    @admin.display(description="From this revision to the content now (its draft, if it has one)")
    def changes_since(self, revision):
        content_type = content_types.BY_NAME[revision.model]
        current = content_type.model.objects.filter(pk=revision.object_id).first()
        if current is None:
            return "The content has since been deleted."
        now = drafts.as_json(drafts.with_draft(current).file_fields())
        return fields_diff(revision.fields, now)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        revision = self.get_object(request, object_id)
        extra = {}
        if revision is not None:
            content_type = content_types.BY_NAME[revision.model]
            extra = {
                # A deleted object's revision is restored as a draft of a new one.
                "can_restore": request.user.has_perm(f"guide.change_{revision.model}")
                and (
                    request.user.has_perm(f"guide.add_{revision.model}")
                    or content_type.model.objects.filter(pk=revision.object_id).exists()
                ),
                "restore_url": reverse("admin:guide_revision_restore", args=[revision.pk]),
                "content_url": reverse(f"admin:guide_{revision.model}_change", args=[revision.object_id]),
            }
            current = content_type.model.objects.filter(pk=revision.object_id).first()
            extra |= {"approval": clinical_review.actions(request.user, current) if current else None}
        return super().change_view(request, object_id, form_url, (extra_context or {}) | extra)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="guide_revision_restore",
            ),
            *super().get_urls(),
        ]

    def restore_view(self, request, object_id):
        revision = get_object_or_404(Revision, pk=object_id)
        if request.method != "POST" or not request.user.has_perm(f"guide.change_{revision.model}"):
            raise PermissionDenied
        model = content_types.BY_NAME[revision.model].model
        if not model.objects.filter(pk=revision.object_id).exists() and not request.user.has_perm(
            f"guide.add_{revision.model}"
        ):
            raise PermissionDenied  # restoring deleted content adds it again
        draft = drafts.restore(revision, request.user)
        self.message_user(
            request,
            "Restored as a draft. Patients see it only once it is published; an old approval is never restored.",
            messages.SUCCESS,
        )
        if draft.object_id is None:  # it had been deleted: a draft of a new one
            return HttpResponseRedirect(reverse("admin:guide_draft_change", args=[draft.pk]))
        return HttpResponseRedirect(reverse(f"admin:guide_{revision.model}_change", args=[revision.object_id]))
