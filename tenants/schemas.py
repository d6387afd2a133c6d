"""The school template schema and the migration state of school schemas.

New schools are cloned from `settings.TENANT_BASE_SCHEMA`, a schema that holds every
school app's tables and nothing else, kept migrated by `ensure_template_schema()`.
Whether a schema is complete is read from its own django_migrations table.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_exists


def template_schema_name() -> str:
    return settings.TENANT_BASE_SCHEMA


@lru_cache(maxsize=1)
def expected_school_migrations() -> frozenset[tuple[str, str]]:
    """Every (app, migration) a complete school schema has recorded.

    migrate_schemas records every app's migrations in a school's django_migrations, and
    the router creates only the school apps' tables, so the whole graph is expected.
    """
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(key for key, migration in loader.graph.nodes.items() if not migration.replaces)


def applied_school_migrations(schema_names: list[str]) -> dict[str, frozenset[tuple[str, str]]]:
    """Applied migrations per school schema, read in one query. Missing schemas map to empty."""
    if not schema_names:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables "
            "WHERE table_name = 'django_migrations' AND table_schema = ANY(%s)",
            [schema_names],
        )
        present = [row[0] for row in cursor.fetchall()]
        applied: dict[str, set[tuple[str, str]]] = {name: set() for name in schema_names}
        if present:
            # Schema names come from information_schema above and are quoted.
            union = " UNION ALL ".join(
                f"SELECT %s, app, name FROM {connection.ops.quote_name(name)}.django_migrations"  # noqa: S608
                for name in present
            )
            cursor.execute(union, present)
            for schema, app, name in cursor.fetchall():
                applied[schema].add((app, name))
    return {name: frozenset(rows) for name, rows in applied.items()}


def missing_school_migrations(schema_names: list[str]) -> dict[str, int]:
    """For each schema short of migrations, how many it lacks."""
    expected = expected_school_migrations()
    applied = applied_school_migrations(schema_names)
    return {name: len(expected - rows) for name, rows in applied.items() if not expected <= rows}


def clone_template_into(schema_name: str) -> None:
    """Copy the template schema, with its migration records, into a new schema.

    django-tenants' clone recreates some unique constraints under PostgreSQL's default
    names instead of the ones migrations gave them; later migrations that drop or alter a
    constraint by name would then fail in cloned schools only. So the names are put back.
    """
    source = template_schema_name()
    CloneSchema().clone_schema(source, schema_name, "DATA")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT target_table.relname, target_con.conname, source_con.conname
            FROM pg_constraint source_con
            JOIN pg_class source_table ON source_table.oid = source_con.conrelid
            JOIN pg_namespace source_ns ON source_ns.oid = source_table.relnamespace
            JOIN pg_class target_table ON target_table.relname = source_table.relname
            JOIN pg_namespace target_ns ON target_ns.oid = target_table.relnamespace
            JOIN pg_constraint target_con ON target_con.conrelid = target_table.oid
                AND target_con.contype = source_con.contype
                AND replace(pg_get_constraintdef(target_con.oid), quote_ident(%(target)s) || '.', '')
                  = replace(pg_get_constraintdef(source_con.oid), quote_ident(%(source)s) || '.', '')
            WHERE source_ns.nspname = %(source)s AND target_ns.nspname = %(target)s
              AND target_con.conname <> source_con.conname
            """,
            {"source": source, "target": schema_name},
        )
        quote = connection.ops.quote_name
        for table, cloned_name, original_name in cursor.fetchall():
            cursor.execute(
                f"ALTER TABLE {quote(schema_name)}.{quote(table)} "
                f"RENAME CONSTRAINT {quote(cloned_name)} TO {quote(original_name)}"
            )


def template_is_current() -> bool:
    name = template_schema_name()
    return schema_exists(name) and not missing_school_migrations([name])


def ensure_template_schema(*, verbosity: int = 0) -> bool:
    """Create or migrate the template schema. Returns True when anything was done."""
    name = template_schema_name()
    if template_is_current():
        return False
    if not schema_exists(name):
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {connection.ops.quote_name(name)}")
    call_command("migrate_schemas", tenant=True, schema_name=name, interactive=False, verbosity=verbosity)
    connection.set_schema_to_public()
    return True
