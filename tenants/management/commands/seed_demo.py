from django.core.management.base import BaseCommand

from tenants.demo import seed_demo


class Command(BaseCommand):
    help = "Create the demo district 示范区教育局 with three schools and one account per role (idempotent)."

    def handle(self, *args, **options):
        seed_demo(log=lambda line: self.stdout.write(line))
        self.stdout.write("Demo district is ready.")
