"""Drafts waiting to be published, in admin (Guide > Drafts waiting).

Most drafts are also reached from their object's change form; a draft of a
new object (added by someone who may not publish it, or restored after a
deletion) has no object yet, so it is read, published or discarded here.
Publishing goes through guide/publishing.py, which checks every rule.
"""

from django.contrib import admin, messages

from radiology_guide.guide import content_types, drafts, publishing
from radiology_guide.guide.changes import fields_diff
from radiology_guide.guide.models import Draft


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "addition", "note", "saved_by", "saved_at", "publish_at"]
    list_filter = ["model"]
    readonly_fields = ["title", "kind", "addition", "note", "saved_by", "saved_at", "publish_at", "changes"]
    fields = readonly_fields
    actions = ["publish_drafts"]

    class Media:
        css = {"all": ["css/content-admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("saved_by")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("guide.view_page")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Discarding a draft changes nothing patients see: its author or a publisher may.
        if obj is None:
            return request.user.has_perm("guide.change_page")
        return obj.saved_by_id == request.user.pk or request.user.has_perm(publishing.PUBLISH_PERMISSION)

    def has_publish_permission(self, request):
        return request.user.has_perm(publishing.PUBLISH_PERMISSION)

    @admin.display(description="What")
    def title(self, draft):
        obj = drafts.draft_object(draft)
        return str(obj) if obj is not None else "(deleted since)"

    @admin.display(description="Kind")
    def kind(self, draft):
        return content_types.BY_NAME[draft.model].label

    @admin.display(description="New", boolean=True)
    def addition(self, draft):
        return draft.object_id is None

    @admin.display(description="What it changes (from the published version, if there is one)")
    def changes(self, draft):

        live = None
        if draft.object_id is not None:
            live = content_types.BY_NAME[draft.model].model.objects.filter(pk=draft.object_id).first()
        return fields_diff(drafts.as_json(live.file_fields()) if live else {}, draft.fields)

    @admin.action(description="Publish the selected drafts", permissions=["publish"])
    def publish_drafts(self, request, queryset):
        published = 0
        for draft in queryset:
            try:
                publishing.publish_draft(draft, request.user)
            except publishing.NotAllowed as refusal:
                self.message_user(request, f"Not published: {self.title(draft)}. {refusal}", messages.WARNING)
                continue
            published += 1
        if published:
            self.message_user(request, f"Published {published} draft(s): patients now see them.", messages.SUCCESS)
