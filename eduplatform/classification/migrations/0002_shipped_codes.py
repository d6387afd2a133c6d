from django.db import migrations

from eduplatform.classification.shipped import TOP_CATEGORIES_2010, add_shipped_codes


def add_top_categories(apps, schema_editor):
    add_shipped_codes(apps.get_model("classification", "ClassificationCode"))


def remove_top_categories(apps, schema_editor):
    ClassificationCode = apps.get_model("classification", "ClassificationCode")
    ClassificationCode.objects.filter(district=None, edition="2010", code__in=[c for c, _ in TOP_CATEGORIES_2010]).delete()


class Migration(migrations.Migration):
    dependencies = [("classification", "0001_initial")]

    operations = [migrations.RunPython(add_top_categories, remove_top_categories)]
