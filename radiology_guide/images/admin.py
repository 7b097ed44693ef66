"""The image library's admin: upload, alt text, caption, credit, licence.

This app sits below the guide, so it knows nothing of pages. The guide app
registers this admin with its page-aware hooks (guide/admin_library.py): a
picture patients see needs what publishing needs to change, and the pages
that show it are rendered again.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join

from radiology_guide.images import processing
from radiology_guide.images.models import Image

ACCEPT = ",".join(processing.CONTENT_TYPES.values())


class ImageForm(forms.ModelForm):
    upload = forms.FileField(
        label="Picture",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text="A JPEG, PNG or WebP file. Camera details and location are removed when it is saved.",
    )

    class Meta:
        model = Image
        fields = ["slug", "upload", "alt", "decorative", "caption", "credit", "licence"]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            if not self.instance.pk:
                raise ValidationError("Choose a picture to upload.")
            return None
        # One byte more than the limit is enough to know it is too big.
        data = upload.read(settings.IMAGE_MAX_BYTES + 1)
        processing.check(data)
        return data


class ImageAdmin(admin.ModelAdmin):
    """Registered by the guide app, which fills in the three hooks below."""

    form = ImageForm
    list_display = ["thumbnail", "slug", "alt", "decorative", "width", "height", "updated_at"]
    list_display_links = ["slug"]
    search_fields = ["slug", "alt", "caption", "credit"]
    readonly_fields = ["preview", "markdown", "size", "used_on"]
    fieldsets = [
        (None, {"fields": ["slug", "upload", "preview", "markdown", "size"]}),
        ("Words", {"fields": ["alt", "decorative", "caption", "credit", "licence"]}),
        ("Where it is shown", {"fields": ["used_on"]}),
    ]

    def pages_using(self, image):
        """The pages that show ``image`` (none known here)."""
        return []

    def may_change(self, request, image):
        return True

    def pictures_changed(self, slugs, user, what):
        """After pictures were changed or deleted."""

    def get_readonly_fields(self, request, obj=None):
        # A page names the picture by its slug: it cannot change once made.
        return [*self.readonly_fields, "slug"] if obj else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or self.may_change(request, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or self.may_change(request, obj))

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data.get("upload")
        if data:
            obj.set_image(data)
        super().save_model(request, obj, form, change)
        if change:
            self.pictures_changed([obj.slug], request.user, "replaced" if data else "changed")

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self.pictures_changed([obj.slug], request.user, "deleted")

    def delete_queryset(self, request, queryset):
        # Each through Image.delete, as a single deletion is: it removes the files.
        images = list(queryset)
        for image in images:
            image.delete()
        self.pictures_changed([image.slug for image in images], request.user, "deleted")

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # A page that shows the picture keeps it: take it out of the page first.
        for image in objs:
            protected += [f"Page: {page.title} (shows this picture)" for page in self.pages_using(image)]
        return deleted, counts, perms_needed, protected

    @admin.display(description="Picture")
    def thumbnail(self, image):
        if not image.renditions:
            return "-"
        small = image.renditions[0]
        return format_html(
            '<img src="{}" alt="" width="96" height="{}">',
            image.file.storage.url(small["name"]),
            round(96 * small["height"] / small["width"]),
        )

    @admin.display(description="Preview")
    def preview(self, image):
        return image.picture(lazy=False, figure=True) if image.pk else "Upload a picture to see it here."

    @admin.display(description="Put it on a page with")
    def markdown(self, image):
        return format_html("<code>![](image:{})</code> (the alt text above is used)", image.slug) if image.pk else "-"

    @admin.display(description="Size")
    def size(self, image):
        if not image.pk:
            return "-"
        widths = sorted({item["width"] for item in image.renditions})
        return f"{image.width} × {image.height} pixels; served at widths {', '.join(map(str, widths))}"

    @admin.display(description="Pages that show it")
    def used_on(self, image):
        pages = list(self.pages_using(image)) if image.pk else []
        if not pages:
            return "No page shows this picture yet."
        return format_html_join(", ", '<a href="{}">{}</a>', ((page.get_absolute_url(), page.title) for page in pages))
