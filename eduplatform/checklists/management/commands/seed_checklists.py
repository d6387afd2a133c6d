from django.core.management.base import BaseCommand, CommandError

from eduplatform.checklists.library import seed_library
from eduplatform.district.models import District


class Command(BaseCommand):
    help = "Publish the standard inspection template library for a district (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--district", required=True, help="the district's 6-digit code")

    def handle(self, *args, district, **options):
        found = District.objects.filter(code=district).first()
        if found is None:
            raise CommandError(f"教育局“{district}”不存在。")
        made = seed_library(found, log=self.stdout.write)
        self.stdout.write(f"{made} template(s) published for {found}")
