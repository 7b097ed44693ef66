"""The search index's full-text vector, stored and indexed on PostgreSQL
(issue 21): built once when an entry is saved (guide/search.py's
``store_documents``), not on every query. SQLite keeps its FTS5 table
(migration 0002) and leaves the column empty."""

import django.contrib.postgres.search
from django.db import migrations

INDEX = "guide_searchentry_document_gin"


def index_on_postgres(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE INDEX {INDEX} ON guide_searchentry USING gin (document)")
    schema_editor.execute(
        "UPDATE guide_searchentry SET document = "
        "setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A') || "
        "setweight(to_tsvector('english'::regconfig, COALESCE(text, '')), 'B')"
    )


def drop_index_on_postgres(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("guide", "0011_review_panel_and_sheet"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="document",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(index_on_postgres, drop_index_on_postgres, elidable=False),
    ]
