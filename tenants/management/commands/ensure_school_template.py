from django.core.management.base import BaseCommand

from tenants.schemas import ensure_template_schema, template_schema_name


class Command(BaseCommand):
    help = "Create or migrate the template schema that new schools are cloned from."

    def handle(self, *args, **options):
        changed = ensure_template_schema(verbosity=max(0, options["verbosity"] - 1))
        state = "updated" if changed else "already current"
        self.stdout.write(f"School template schema {template_schema_name()}: {state}.")
