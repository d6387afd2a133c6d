"""Writing many rows at once with PostgreSQL's COPY, for the ledger import.

Django's bulk_create sends each column as an array (UNNEST), which psycopg escapes value
by value in Python: for a 50,000-row import with JSON columns, that is most of the time.
COPY streams the rows instead. The ids are taken from the table's own sequence first, so
the instances come back with their primary keys, as bulk_create's do; `pre_save` runs
for every field, so auto_now and auto_now_add are set as Django would set them.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models


def copy_into(model: type[models.Model], instances: Sequence[models.Model]) -> Sequence[models.Model]:
    if not instances:
        return instances
    meta = model._meta
    quote = connection.ops.quote_name
    table = meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, meta.pk.column, len(instances)],
        )
        for instance, (pk,) in zip(instances, cursor.fetchall(), strict=True):
            instance.pk = pk
        fields = list(meta.concrete_fields)
        columns = ", ".join(quote(field.column) for field in fields)
        with cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
            for instance in instances:
                copy.write_row(
                    [
                        field.get_db_prep_save(field.pre_save(instance, add=True), connection=connection)
                        for field in fields
                    ]
                )
    for instance in instances:
        instance._state.adding = False
        instance._state.db = connection.alias
    return instances
