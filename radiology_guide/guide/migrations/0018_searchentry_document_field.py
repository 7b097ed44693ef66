"""SearchEntry.document becomes the guide's own SearchVectorField
(guide/models/records.py), which does not load psycopg at start-up. The
column is the same ``tsvector``: only Django's idea of the field changes, so
no table is rebuilt (on SQLite a rebuild would drop the search triggers)."""

from django.db import migrations

import radiology_guide.guide.models.records


class Migration(migrations.Migration):
    dependencies = [("guide", "0017_search_entry_language")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="searchentry",
                    name="document",
                    field=radiology_guide.guide.models.records.SearchVectorField(editable=False, null=True),
                )
            ]
        )
    ]
