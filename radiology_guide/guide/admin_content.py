"""What every kind of content's admin shares (guide/admin.py registers
pages, rows, FAQs and terms with it; admin_translations.py, translations):
drafts, preview, publishing, asking for approval, history."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.safestring import mark_safe

from radiology_guide.guide import clinical_review, content_types, drafts, preview, publishing, tasks
from radiology_guide.guide.admin_forms import ContentForm
from radiology_guide.guide.models import Draft, Revision


def rendered(html):
    # The HTML was sanitised with an allow-list when it was saved.
    return mark_safe(f'<div class="rendered-preview">{html}</div>')  # noqa: S308


PUBLISHING_FIELDSET = ("Saving", {"fields": ["change_note", "publish_at"]})


class ContentAdmin(admin.ModelAdmin):
    """What every kind of content shares: drafts, preview, publishing, history."""

    form = ContentForm
    change_form_template = "admin/guide/content_change_form.html"
    preview_field = ""

    class Media:
        css = {"all": ["css/content-admin.css"]}

    @property
    def content_type(self):
        return content_types.of(self.model)

    def get_queryset(self, request):
        drafts = Draft.objects.filter(model=self.content_type.name, object_id=OuterRef("pk"))
        return super().get_queryset(request).annotate(has_draft=Exists(drafts))

    @admin.display(description="Unpublished changes", boolean=True, ordering="has_draft")
    def unpublished(self, obj):
        return getattr(obj, "has_draft", False)

    def get_object(self, request, object_id, from_field=None):
        # The form shows the draft, so an editor carries on where they left off.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            return None
        return drafts.with_draft(obj, render=request.method != "POST")

    def has_delete_permission(self, request, obj=None):
        # Patients lose what is deleted at once: the same rule as publishing.
        return super().has_delete_permission(request, obj) and publishing.may_change_live(request.user)

    def has_publish_permission(self, request):
        return request.user.has_perm(publishing.PUBLISH_PERMISSION)

    # Saving -----------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        saved = publishing.save_from_admin(
            obj,
            request.user,
            adding=not change,
            note=form.cleaned_data.get("change_note", ""),
            publish="_publish" in request.POST,
            publish_at=form.cleaned_data.get("publish_at"),
        )
        if saved.publish_at is not None:
            transaction.on_commit(lambda: tasks.enqueue_publish_due(saved.publish_at))
        request._admin_save = saved

    def response_change(self, request, obj):
        saved = getattr(request, "_admin_save", None)
        if saved is None:
            return super().response_change(request, obj)
        for level, text in saved.messages:
            self.message_user(request, text, getattr(messages, level.upper()))
        return HttpResponseRedirect(request.path)

    def response_add(self, request, obj, post_url_continue=None):
        saved = getattr(request, "_admin_save", None)
        if saved is None or saved.draft is None:
            return super().response_add(request, obj, post_url_continue)
        draft = saved.draft
        self.message_user(
            request,
            f"Saved as a draft of a new {self.content_type.label}. Patients see it only once someone allowed to "
            "publish it does, from “Drafts waiting” on the admin home page.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:guide_draft_change", args=[draft.pk]))

    def delete_model(self, request, obj):
        publishing.delete([obj], request.user)

    def delete_queryset(self, request, queryset):
        publishing.delete(queryset, request.user)

    # The change form --------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None:
            return [*fieldsets[:-1], ("Saving", {"fields": ["change_note"]})] if self.fieldsets else fieldsets
        return fieldsets

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Only its id and address are needed here: no draft, no rendering.
        obj = self.model.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        extra = {}
        if obj is not None:
            extra = {
                "content_draft": drafts.draft_of(obj),
                "revisions": Revision.objects.filter(model=self.content_type.name, object_id=obj.pk).select_related(
                    "saved_by"
                )[:30],
                "preview_url": reverse(f"admin:guide_{self.content_type.name}_preview", args=[obj.pk]),
                "preview_link": preview.signed_link(request, obj),
                "preview_days": preview.LINK_LIFETIME.days,
                "can_publish": clinical_review.may_publish(request.user, drafts.draft_of(obj)),
                "ask_url": reverse(f"admin:guide_{self.content_type.name}_ask_for_approval", args=[obj.pk]),
                "public_url": obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "",
            }
        return super().change_view(request, object_id, form_url, (extra_context or {}) | extra)

    def get_urls(self):
        name = self.content_type.name
        return [
            path(
                "<path:object_id>/preview/", self.admin_site.admin_view(self.preview_view), name=f"guide_{name}_preview"
            ),
            path(
                "<path:object_id>/ask-for-approval/",
                self.admin_site.admin_view(self.ask_for_approval_view),
                name=f"guide_{name}_ask_for_approval",
            ),
            path(
                "<path:object_id>/approve-and-publish/",
                self.admin_site.admin_view(self.approve_and_publish_view),
                name=f"guide_{name}_approve_and_publish",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        if not str(object_id).isdigit():
            raise Http404("No such content")
        obj = get_object_or_404(self.model, pk=object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return preview.response(request, obj, actions=clinical_review.actions(request.user, obj))

    def ask_for_approval_view(self, request, object_id):
        obj = get_object_or_404(self.model, pk=object_id)
        if request.method != "POST" or not self.has_change_permission(request, obj):
            raise PermissionDenied
        count = tasks.ask_for_approval(obj, request.user)
        if count:
            people = "clinician" if count == 1 else "clinicians"
            self.message_user(request, f"Asked {count} {people} for their approval by email.", messages.SUCCESS)
        else:
            self.message_user(
                request,
                "Nobody was asked: no other clinician who approves content has an email address.",
                messages.WARNING,
            )
        return HttpResponseRedirect(reverse(f"admin:guide_{self.content_type.name}_change", args=[obj.pk]))

    def approve_and_publish_view(self, request, object_id):
        obj = get_object_or_404(self.model, pk=object_id)
        if request.method != "POST":
            raise PermissionDenied
        try:
            clinical_review.approve_and_publish(obj, request.user)
        except publishing.NotAllowed as refused:
            self.message_user(request, f"Not approved. {refused}", messages.WARNING)
        else:
            self.message_user(request, "Approved and published: patients now see this version.", messages.SUCCESS)
        return HttpResponseRedirect(reverse(f"admin:guide_{self.content_type.name}_change", args=[obj.pk]))

    @admin.display(description="As saved")
    def rendered_preview(self, obj):
        if not obj.pk:
            return "Save to see it rendered."
        return rendered(getattr(obj, self.preview_field))
