"""References from a school's schema to rows of the public schema (people, templates).

They are real foreign keys for Django, but without a database constraint: a constraint
from every school schema onto a public table would make the public row undeletable from
Django's point of view (its delete collector looks for referencing rows in the public
schema, where the school tables do not exist) and would stop a test flush from truncating
the public tables. People are deactivated, never deleted; published template versions
are never deleted; so the reference stays good.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


def public_reference(to: str, **options) -> models.ForeignKey:
    options.setdefault("related_name", "+")
    return models.ForeignKey(to, on_delete=models.DO_NOTHING, db_constraint=False, **options)


def person(**options) -> models.ForeignKey:
    return public_reference(settings.AUTH_USER_MODEL, **options)
