"""Translations in admin (issue 23): drafts, preview, publishing and approval
like any content (ContentAdmin), a list by language and status, and a page
of every page in every language, including those not translated yet."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from radiology_guide.guide import translations
from radiology_guide.guide.admin_content import ContentAdmin, rendered
from radiology_guide.guide.admin_forms import ContentForm
from radiology_guide.guide.models import TRANSLATED_LANGUAGES, Page, Translation


class TranslationForm(ContentForm):
    """A translation is refused if it is less safe than its English
    (guide/translations.py ``problems``): the message names the field."""

    class Meta:
        model = Translation
        fields = [
            "language",
            "of_model",
            "of_key",
            "text",
            "source_revision",
            "translated_by",
            "translation_checked_by",
        ]

    def clean(self):
        cleaned = super().clean()
        key, text = cleaned.get("of_key"), cleaned.get("text")
        english = Page.objects.filter(slug=key).first() if cleaned.get("of_model") == "page" else None
        if cleaned.get("of_model") != "page":
            # The model has room for them, but no page shows them yet: refused,
            # so nobody translates words that no patient would ever see.
            self.add_error(
                "of_model",
                'Only pages can be translated for now ("page"): the FAQs, the comparison table and the '
                "glossary are shown in English on every language's pages (docs/translations.md).",
            )
        elif english is None:
            self.add_error("of_key", "No English page has this slug.")
        elif english is not None and isinstance(text, dict):
            for message in translations.problems(english, text):
                self.add_error("text", message)
        elif not isinstance(text, dict):
            self.add_error("text", 'The translated fields, as {"title": ..., "summary": ..., "body": ...}.')
        return cleaned


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(status.value, status.label) for status in Translation.Status if status != Translation.Status.MISSING]

    def queryset(self, request, queryset):
        if self.value() == Translation.Status.OUT_OF_DATE:
            return queryset.filter(english_changed_on__isnull=False)
        if self.value() == Translation.Status.AWAITING_CHECK:
            unchecked = queryset.filter(translation_checked_by="") | queryset.exclude(review_status="approved")
            return unchecked.filter(english_changed_on__isnull=True)
        if self.value() == Translation.Status.UP_TO_DATE:
            return queryset.filter(english_changed_on__isnull=True, review_status="approved").exclude(
                translation_checked_by=""
            )
        return queryset


@admin.register(Translation)
class TranslationAdmin(ContentAdmin):
    form = TranslationForm
    list_display = ["of_key", "language", "title", "status_label", "translated_by", "checked", "unpublished"]
    list_filter = ["language", StatusFilter]
    search_fields = ["of_key", "translated_by", "translation_checked_by"]
    readonly_fields = ["english_version_now", "english_changed_on", "approval", "rendered_preview", "updated_at"]
    preview_field = "main_html"
    change_list_template = "admin/guide/translation/change_list.html"
    fieldsets = [
        (None, {"fields": ["language", "of_model", "of_key", "text"]}),
        (
            "Who made and checked it",
            {"fields": ["translated_by", "translation_checked_by", "approval"]},
        ),
        ("The English it was made from", {"fields": ["source_revision", "english_version_now", "english_changed_on"]}),
        ("As patients see it", {"fields": ["rendered_preview", "updated_at"]}),
        ("Saving", {"fields": ["change_note", "publish_at"]}),
    ]

    @admin.display(description="Title")
    def title(self, obj):
        return (obj.text or {}).get("title", "")

    @admin.display(description="Status")
    def status_label(self, obj):
        return obj.status.label

    @admin.display(description="Checked by a translator", boolean=True)
    def checked(self, obj):
        return obj.is_checked

    @admin.display(description="The English version now")
    def english_version_now(self, obj):
        english = Page.objects.filter(slug=obj.of_key).first() if obj.of_model == "page" else None
        if english is None:
            return "-"
        return format_html(
            "{} <span class='help'>(put this in “English version translated” once the translation matches it)</span>",
            translations.fingerprint(english),
        )

    @admin.display(description="Clinical approval")
    def approval(self, obj):
        if obj.is_approved:
            return f"Approved by {obj.approved_by_name} on {obj.approved_on:%d %B %Y}"
        return "Awaiting a clinician's approval (recorded when a clinician publishes it)"

    def rendered_preview(self, obj):
        if not obj.pk:
            return "Save to see it rendered."
        return rendered(obj.main_html)

    rendered_preview.short_description = "As saved"

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [self.fieldsets[0], self.fieldsets[1], self.fieldsets[2], ("Saving", {"fields": ["change_note"]})]
        return self.fieldsets

    def get_urls(self):
        by_language = path(
            "by-language/", self.admin_site.admin_view(self.by_language_view), name="guide_translation_by_language"
        )
        return [by_language, *super().get_urls()]

    def by_language_view(self, request):
        """Every page that has a translation or is waiting for one, in every
        language: missing, up to date, out of date or awaiting check."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = status_table()
        context = {
            **self.admin_site.each_context(request),
            "title": "Translations by language",
            "languages": TRANSLATED_LANGUAGES,
            "rows": rows,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/guide/translation/by_language.html", context)


def status_table():
    """[(page, [(language, status, change url or None), ...]), ...] for every
    guide and site page, most translated first."""
    found = {(trans.of_key, trans.language): trans for trans in Translation.objects.filter(of_model="page")}
    rows = []
    pages = Page.objects.exclude(kind=Page.Kind.EASY_READ).only("slug", "title", "kind")
    for page in pages:
        cells = []
        for code, name in TRANSLATED_LANGUAGES:
            trans = found.get((page.slug, code))
            if trans is None:
                cells.append((name, Translation.Status.MISSING.label, None))
            else:
                url = reverse("admin:guide_translation_change", args=[trans.pk])
                cells.append((name, trans.status.label, url))
        rows.append((page, cells))
    rows.sort(key=lambda row: (-sum(url is not None for _n, _s, url in row[1]), row[0].title))
    return rows
