"""Few rows are inserted as VALUES, many through UNNEST.

Django inserts every bulk of two rows or more through UNNEST, one array per column, so that PostgreSQL plans one
statement whatever the number of rows. psycopg writes those arrays as text, escaping each element's quotes in
Python: for the handful of rows a step writes (a bundle's six cases, their events and anchors, whose JSON columns
are full of quotes) that cost more than the statement it saves planning, which prepared statements spare anyway
for a fixed number of rows (bundle submission 51 → 46 ms, docs/benchmarks.md)."""

from django.db.backends.postgresql.compiler import (  # noqa: F401  (the backend's compilers, as Django looks them up)
    SQLAggregateCompiler,
    SQLCompiler,
    SQLDeleteCompiler,
    SQLUpdateCompiler,
)
from django.db.backends.postgresql.compiler import SQLInsertCompiler as UnnestInsertCompiler
from django.db.models.sql.compiler import SQLInsertCompiler as ValuesInsertCompiler

UNNEST_FROM_ROWS = 20


class SQLInsertCompiler(UnnestInsertCompiler):
    def assemble_as_sql(self, fields, value_rows):
        if len(value_rows) < UNNEST_FROM_ROWS:
            return ValuesInsertCompiler.assemble_as_sql(self, fields, value_rows)
        return super().assemble_as_sql(fields, value_rows)
