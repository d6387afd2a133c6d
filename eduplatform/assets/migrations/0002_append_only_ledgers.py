from django.db import migrations

# The ledgers may only grow: the database refuses UPDATE and DELETE of movements, whatever
# the application does. The function is public.eduplatform_append_only (classification 0001).
LEDGERS = ["assets_assetmovement", "assets_consumablemovement"]

FORWARD = "\n".join(
    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
    f"FOR EACH ROW EXECUTE FUNCTION public.eduplatform_append_only();"
    for table in LEDGERS
)
BACKWARD = "\n".join(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};" for table in LEDGERS)


class Migration(migrations.Migration):
    dependencies = [("assets", "0001_initial"), ("classification", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
