from django.core.management.base import BaseCommand, CommandError

from eduplatform.audit.retention import MINIMUM_RETENTION_DAYS, purge_older_than


class Command(BaseCommand):
    help = (
        f"Delete audit events older than N days (N >= {MINIMUM_RETENTION_DAYS}); each chain keeps an anchor."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=int, required=True)

    def handle(self, *args, **options):
        try:
            removed = purge_older_than(days=options["older_than_days"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Removed {removed} audit events.")
