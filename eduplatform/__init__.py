"""EduPlatform: 校园后勤与安全管理平台.

The package is called `eduplatform`, not `platform`: `platform` is a standard-library
module that Django, Celery and sentry-sdk import, and a package of that name would
shadow it.
"""

from eduplatform.celery import app as celery_app

__all__ = ["celery_app"]
