"""The read-only "viewer" group: members read reports and the API; only staff write.

A data migration (not a command) so every database that is migrated has it.
"""
from django.db import migrations

VIEWER_GROUP = "viewer"


def create_viewer_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=VIEWER_GROUP)


def delete_viewer_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=VIEWER_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_viewer_group, delete_viewer_group)]
