from django.db import migrations

# The only codes the platform ships: the six top categories of GB/T 14885-2010. Every
# other code, and the whole 2022 edition, comes from the district's official table.
TOP_CATEGORIES_2010 = [
    ("1000000", "土地、房屋及构筑物"),
    ("2000000", "通用设备"),
    ("3000000", "专用设备"),
    ("4000000", "文物和陈列品"),
    ("5000000", "图书、档案"),
    ("6000000", "家具、用具、装具及动植物"),
]


def add_top_categories(apps, schema_editor):
    ClassificationCode = apps.get_model("classification", "ClassificationCode")
    for code, name in TOP_CATEGORIES_2010:
        ClassificationCode.objects.get_or_create(
            district=None, edition="2010", code=code, defaults={"name": name, "parent_code": ""}
        )


def remove_top_categories(apps, schema_editor):
    ClassificationCode = apps.get_model("classification", "ClassificationCode")
    ClassificationCode.objects.filter(district=None, edition="2010", code__in=[c for c, _ in TOP_CATEGORIES_2010]).delete()


class Migration(migrations.Migration):
    dependencies = [("classification", "0001_initial")]

    operations = [migrations.RunPython(add_top_categories, remove_top_categories)]
