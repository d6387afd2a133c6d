from django.core.management import call_command
from django.core.management.base import BaseCommand

from tenants.schemas import ensure_template_schema


class Command(BaseCommand):
    help = "Migrate the public schema, every school's schema and the school template."

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=verbosity)
        ensure_template_schema(verbosity=verbosity)
        self.stdout.write("Public schema, school schemas and the school template are migrated.")
