"""The two staff groups: clinic staff handle enquiries, content editors edit content."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Clinic staff": [
        ("enquiries", "view_enquiry"),
        ("enquiries", "change_enquiry"),
        ("enquiries", "view_enquirylink"),
        ("enquiries", "add_enquirylink"),
        ("enquiries", "change_enquirylink"),
    ],
    "Content editors": [
        (app, f"{action}_{model}")
        for app, model in [
            ("guide", "page"),
            ("guide", "comparisonrow"),
            ("guide", "faq"),
            ("guide", "glossaryterm"),
            ("core", "clinicdetails"),
        ]
        for action in ("view", "add", "change", "delete")
        if not (model == "clinicdetails" and action in ("add", "delete"))
    ],
}


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now.
    for app_config in apps.get_app_configs():
        # Migration app stubs have no models module, which create_permissions
        # takes to mean "no models"; lend them one for the call.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in codenames:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("enquiries", "0001_initial"),
        ("guide", "0001_initial"),
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
