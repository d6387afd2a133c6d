from django.core.management.base import BaseCommand, CommandError

from eduplatform.audit.verification import verify_all


class Command(BaseCommand):
    help = "Check every audit chain: an edited, removed or inserted event is reported; exit 1 if any."

    def handle(self, *args, **options):
        checked, problems = verify_all()
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in {checked} audit events.")
        self.stdout.write(f"All {checked} audit events verified.")
