"""Content editors look after the image library."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = [f"{action}_image" for action in ("view", "add", "change", "delete")]


def allow_editors(apps, schema_editor):
    # Permissions are normally made after all migrations; make this app's now.
    app_config = apps.get_app_config("images")
    # Migration app stubs have no models module, which create_permissions
    # takes to mean "no models"; lend them one for the call.
    original = getattr(app_config, "models_module", None)
    app_config.models_module = original or True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name="Content editors").first()
    if editors is not None:
        editors.permissions.add(*Permission.objects.filter(content_type__app_label="images", codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0001_initial"),
        ("enquiries", "0002_groups"),
    ]

    operations = [migrations.RunPython(allow_editors, migrations.RunPython.noop)]
