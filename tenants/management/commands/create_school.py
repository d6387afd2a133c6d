from django.core.management.base import BaseCommand, CommandError

from tenants.actions import ProvisioningError, SchoolDetails, provision_school
from tenants.models import SchoolKind


class Command(BaseCommand):
    help = "Provision a school: its row, its routing path /s/<code>/ and its own schema."

    def add_arguments(self, parser):
        parser.add_argument("--district", required=True, help="district division code (6 digits)")
        parser.add_argument("--code", required=True, help="national school identifier (10 digits)")
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", required=True, help=f"one of {', '.join(SchoolKind.values)}")
        parser.add_argument("--address", default="")
        parser.add_argument("--students", type=int, default=0)
        parser.add_argument("--staff", type=int, default=0)
        parser.add_argument("--method", choices=["auto", "clone", "migrate"], default="auto")

    def handle(self, *args, **options):
        details = SchoolDetails(
            code=options["code"],
            name=options["name"],
            kind=options["kind"],
            address=options["address"],
            student_count=options["students"],
            staff_count=options["staff"],
        )
        try:
            school = provision_school(
                district_code=options["district"], details=details, method=options["method"]
            )
        except ProvisioningError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Created {school.name} ({school.code}) in schema {school.schema_name}: /s/{school.code}/"
        )
