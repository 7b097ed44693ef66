"""The image library: pictures that content may show, each with its alt text.

An image is referred to from Markdown as ``![alt](image:slug)``
(guide/markdown.py turns that into <picture> markup). Its files live in
Django's default storage (STORAGES["default"]: MEDIA_ROOT here, or an
S3-compatible bucket; docs/images.md) under names that change whenever the
picture does.
"""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from radiology_guide.images import processing

#: What the content files hold beside each picture (content/images/<slug>.yaml).
META_FIELDS = ("alt", "caption", "credit", "licence", "decorative")


# What images.views serves (its NAME): a slug with capitals or "_" made files
# that were never served.
SLUG = RegexValidator(
    r"\A[a-z0-9][a-z0-9-]*\Z",
    "Use only lower-case letters, digits and hyphens, starting with a letter or digit.",
)


class Image(models.Model):
    slug = models.SlugField(
        max_length=80,
        unique=True,
        validators=[SLUG],
        help_text="Used in Markdown as ![alt text](image:this-slug). Lower-case letters, digits and hyphens.",
    )
    file = models.FileField(max_length=200, editable=False)
    format = models.CharField(max_length=4, editable=False)  # jpg, png or webp
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    #: [{"width", "height", "format", "name"}], smallest first.
    renditions = models.JSONField(default=list, editable=False)
    alt = models.CharField(
        "alt text",
        max_length=250,
        blank=True,
        help_text="What the picture shows, for someone who cannot see it. One plain sentence.",
    )
    decorative = models.BooleanField(
        default=False,
        help_text="Tick only if the picture adds nothing to the words around it: screen readers then skip it.",
    )
    caption = models.CharField(max_length=300, blank=True, help_text="Shown under the picture.")
    credit = models.CharField(max_length=200, blank=True, help_text="Who made the picture.")
    licence = models.CharField(max_length=200, blank=True, help_text="For example: CC BY 4.0, or 'Our own'.")
    #: sha256 of the bytes last uploaded or loaded from the content files,
    #: and of the clean original stored (they differ once it is re-encoded).
    upload_hash = models.CharField(max_length=64, editable=False)
    file_hash = models.CharField(max_length=64, editable=False)
    synced_hash = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.slug

    def clean(self):
        if self.decorative and self.alt.strip():
            raise ValidationError({"alt": "A decorative picture has no alt text: clear it, or untick 'decorative'."})
        if not self.decorative and not self.alt.strip():
            raise ValidationError(
                {"alt": "Say what the picture shows, or tick 'decorative' if it adds nothing to the words."}
            )

    def set_image(self, data: bytes):
        """Check ``data`` and store it with its renditions (raises ValidationError).

        Files already stored under the same name are the same bytes, so they
        are not written again; files this image no longer uses are removed
        once the change is committed.
        """
        prepared = processing.prepare(data)
        old = self.stored_names()
        names = [_store(prepared.name(self.slug), prepared.data)]
        self.renditions = []
        for rendition in prepared.renditions:
            name = _store(rendition.name(self.slug), rendition.data)
            names.append(name)
            self.renditions.append(
                {"width": rendition.width, "height": rendition.height, "format": rendition.format, "name": name}
            )
        self.file.name = names[0]
        self.format, self.width, self.height = prepared.format, prepared.width, prepared.height
        self.upload_hash = processing.digest(data)
        self.file_hash = processing.digest(prepared.data)
        unused = old - set(names)
        transaction.on_commit(lambda: _remove(unused))

    def stored_names(self) -> set[str]:
        names = {item["name"] for item in self.renditions}
        return names | ({self.file.name} if self.file else set())

    def delete(self, *args, **kwargs):
        names = self.stored_names()
        result = super().delete(*args, **kwargs)
        transaction.on_commit(lambda: _remove(names))
        return result

    # What the content files hold, and whether the database still agrees.
    def meta(self) -> dict:
        return {name: getattr(self, name) for name in META_FIELDS}

    def current_hash(self) -> str:
        return record_hash(self.meta(), self.upload_hash)

    def picture(self, alt: str | None = None, lazy: bool = True, figure: bool = False) -> str:
        """The <picture> markup: a WebP <source> and an <img> in the original
        format, with width and height so the page does not jump as it loads."""
        alt = "" if self.decorative else (alt or self.alt)
        by_format = {}
        for item in self.renditions:
            by_format.setdefault(item["format"], []).append(item)
        own = by_format.get(self.format) or by_format["webp"]
        largest = own[-1]

        def srcset(items):
            return ", ".join(f"{default_storage.url(item['name'])} {item['width']}w" for item in items)

        html = format_html(
            '<picture><source type="image/webp" srcset="{}" sizes="{}">'
            '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{} decoding="async"></picture>',
            srcset(by_format.get("webp", own)),
            processing.SIZES,
            default_storage.url(largest["name"]),
            srcset(own),
            processing.SIZES,
            largest["width"],
            largest["height"],
            alt,
            mark_safe(' loading="lazy"') if lazy else "",  # noqa: S308 - a constant
        )
        if not figure:
            return html
        credit = [part for part in (self.credit, self.licence) if part]
        notes = format_html("{}", self.caption)
        if credit:
            notes += format_html(' <span class="image-credit">Picture: {}</span>', ", ".join(credit))
        if notes:
            html = format_html("{}<figcaption>{}</figcaption>", html, notes)
        return format_html('<figure class="content-image">{}</figure>', html)


def record_hash(meta: dict, upload_hash: str) -> str:
    fields = {**{name: meta.get(name) for name in META_FIELDS}, "upload_hash": upload_hash}
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def _store(name: str, data: bytes) -> str:
    # The name is a hash of the bytes: if it exists, it is this picture already.
    if default_storage.exists(name):
        return name
    return default_storage.save(name, ContentFile(data))


def _remove(names):
    in_use = set()
    for item in Image.objects.values_list("file", "renditions"):
        in_use.add(item[0])
        in_use.update(r["name"] for r in item[1])
    for name in names - in_use:
        default_storage.delete(name)
