from django.db import migrations

# The offices almost every Chinese school has; a school renames or adds its own.
DEFAULT_DEPARTMENTS = [("办公室", False), ("教导处", False), ("政教处", False), ("总务处", True)]


def add_default_departments(apps, schema_editor):
    Department = apps.get_model("organisation", "Department")
    for name, is_logistics_office in DEFAULT_DEPARTMENTS:
        Department.objects.get_or_create(name=name, defaults={"is_logistics_office": is_logistics_office})


class Migration(migrations.Migration):
    dependencies = [("organisation", "0001_initial")]

    operations = [migrations.RunPython(add_default_departments, migrations.RunPython.noop)]
