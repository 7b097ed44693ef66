import hashlib
import json

from django.db import migrations, models

OLD_FILE_FIELDS = (
    "kind", "slug", "title", "summary", "order", "body", "caption", "review_status",
    "last_reviewed", "next_review_due", "reviewer_role", "approved_by_name", "approved_on",
    "sources", "related", "duration", "ionising_radiation", "dose_band", "sedation", "usual_stay",
    "dose", "dose_source", "sedation_aftercare", "preparation", "warning_signs", "risks",
)  # fmt: skip
NEW_FIELDS = ("glossary_senses", "glossary_skip")


def _hash(page, names):
    fields = {name: getattr(page, name) for name in names}
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


def still_synced(apps, schema_editor):
    """A page the files still describe keeps counting as synced, so the next
    sync updates it rather than reporting an admin edit."""
    Page = apps.get_model("guide", "Page")
    for page in Page.objects.all():
        if page.synced_hash == _hash(page, OLD_FILE_FIELDS):
            page.synced_hash = _hash(page, OLD_FILE_FIELDS + NEW_FIELDS)
            page.save(update_fields=["synced_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("guide", "0009_render_state"),
    ]

    operations = [
        migrations.AddField(
            model_name="page",
            name="glossary_senses",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='Words and the entry they mean here: {"catheter": "urinary-catheter"}.',
            ),
        ),
        migrations.AddField(
            model_name="page",
            name="glossary_skip",
            field=models.JSONField(blank=True, default=list, help_text='Words not to link here: ["ablation"].'),
        ),
        migrations.RunPython(still_synced, migrations.RunPython.noop),
    ]
