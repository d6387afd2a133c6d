from django.core.management.base import BaseCommand, CommandError

from tenants.actions import ProvisioningError, archive_school
from tenants.models import School


class Command(BaseCommand):
    help = "Archive a school: it disappears from routing; its schema and records are kept."

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True)

    def handle(self, *args, **options):
        school = School.objects.filter(code=options["code"]).first()
        if school is None:
            raise CommandError(f"No school with code {options['code']}.")
        try:
            archive_school(school=school, actor=None)
        except ProvisioningError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Archived {school.name} ({school.code}); schema {school.schema_name} kept.")
