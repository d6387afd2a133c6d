#!/usr/bin/env python
"""Django's command-line utility for EduPlatform."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eduplatform.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        sys.exit(f"Configuration error: {error}")
    except OperationalError as error:
        # An unreachable database is an operator's problem, not a bug: one line, no traceback.
        from eduplatform.database import describe_connection_failure

        sys.exit(describe_connection_failure(error))


if __name__ == "__main__":
    main()
