"""PostgreSQL databases for the tests of one test process (one ``pytest -n`` worker): a migrated template,
one database cloned from it that the tests share, reset to the template's state after each test, and
fresh clones for the tests that need a database of their own (``@pytest.mark.own_database``: migrations
run down and up, guards switched off, other processes writing to it).

Cloning a database costs a third of a second or more; a reset costs a few milliseconds. A reset makes the
shared database what a fresh clone would be:

- it ends every other session on the database (as ``DROP DATABASE ... WITH (FORCE)`` did);
- it compares the schema (tables, columns, defaults, constraints, indexes, triggers and whether they are
  enabled, functions) with the template's; if a test changed it, the database is replaced by a fresh clone
  and the test fails at teardown, asking to be marked ``own_database``;
- it deletes the rows of every table whose rows differ from the template's, puts back the rows the
  migrations seed, and sets every sequence back to where the template has it (what
  ``TRUNCATE ... RESTART IDENTITY`` would do; ``DELETE`` of the few rows a test leaves takes a millisecond
  where ``TRUNCATE`` takes several a table, for new files of the table and of each index).

The immutable tables refuse ``DELETE`` (and ``TRUNCATE``) by triggers. The reset switches the triggers that
fire on ``DELETE`` off and on again inside its own transaction, so no other session ever sees them off; the
migrations, and so production, are untouched.
"""

from __future__ import annotations

import graphlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import attrs
import sqlalchemy as sa

SCHEMA = """
SELECT md5(string_agg(part, E'\\n' ORDER BY part)) FROM (
  SELECT concat_ws(' ', 'column', c.oid::regclass, c.relkind, a.attnum, a.attname,
                   format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid)) AS part
    FROM pg_class c
    LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
   WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT concat_ws(' ', 'constraint', conrelid::regclass, conname, pg_get_constraintdef(oid))
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
  UNION ALL
  SELECT concat_ws(' ', 'index', pg_get_indexdef(indexrelid))
    FROM pg_index JOIN pg_class c ON c.oid = indrelid WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT concat_ws(' ', 'trigger', pg_get_triggerdef(t.oid), t.tgenabled)
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
   WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal
  UNION ALL
  SELECT concat_ws(' ', 'function', p.oid::regprocedure, md5(p.prosrc))
    FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
) AS schema
"""
"""One hash of everything a migration creates in the ``public`` schema."""

DELETE_TRIGGERS = """
SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
 WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal AND t.tgtype & 8 <> 0
"""
"""The triggers that fire on ``DELETE`` (bit 3 of ``tgtype``): the immutable tables' guards."""

REFERENCES = """
SELECT c.relname, r.relname FROM pg_constraint k
  JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid
 WHERE k.contype = 'f' AND k.connamespace = 'public'::regnamespace
"""
"""Each foreign key's table and the table it points to."""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def contents(table: str) -> str:
    """SQL for a hash of a table's rows, in any order."""
    rows = "coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '')"
    return f"(SELECT md5({rows}) FROM {_quote(table)} AS r)"


class SchemaChanged(Exception):
    """A test changed the schema of the shared database (which has been replaced by a fresh clone)."""


@attrs.frozen
class Template:
    """What a fresh clone of the template holds, read once from the template itself."""

    schema: str
    tables: tuple[str, ...]
    """Every table, those whose keys point to another before it (the order rows can be deleted in)."""
    seeds: dict[str, tuple[sa.Table, list[dict[str, object]], str]]
    """Tables the migrations fill: their reflected table, rows and ``contents`` hash."""
    sequences: tuple[tuple[str, int, bool], ...]
    """Every sequence as ``setval`` takes it: name, value, whether the value was already handed out."""
    delete_triggers: dict[str, tuple[str, ...]]

    @classmethod
    def read(cls, engine: sa.Engine) -> Template:
        with engine.connect() as connection:
            schema = connection.exec_driver_sql(SCHEMA).scalar_one()
            names = sa.inspect(connection).get_table_names()
            referencing: dict[str, set[str]] = {name: set() for name in names}
            for table, target in connection.exec_driver_sql(REFERENCES):
                if table != target:  # a table's rows pointing to its own go in the same DELETE
                    referencing[target].add(table)
            tables = tuple(graphlib.TopologicalSorter(referencing).static_order())
            seeds = {}
            for name in tables:
                table = sa.Table(name, sa.MetaData(), autoload_with=connection)
                rows = [dict(row) for row in connection.execute(sa.select(table)).mappings()]
                if rows:
                    digest = connection.exec_driver_sql(f"SELECT {contents(name)}").scalar_one()
                    seeds[name] = (table, rows, digest)
            sequences = tuple(
                (f"{schema_name}.{name}", int(last if last is not None else start), last is not None)
                for schema_name, name, start, last in connection.exec_driver_sql(
                    "SELECT schemaname, sequencename, start_value, last_value FROM pg_sequences "
                    "WHERE schemaname = 'public'"
                )
            )
            triggers: dict[str, tuple[str, ...]] = {}
            for table_name, trigger in connection.exec_driver_sql(DELETE_TRIGGERS):
                triggers[table_name] = (*triggers.get(table_name, ()), trigger)
        return cls(schema, tables, seeds, sequences, triggers)

    def changed_tables(self, connection: sa.Connection) -> list[str]:
        """The tables whose rows differ from the template's (any row at all, or other seeded rows), in
        ``tables`` order."""
        probes = [
            f"SELECT '{name}' WHERE {contents(name)} <> '{self.seeds[name][2]}'"
            if name in self.seeds
            else f"SELECT '{name}' WHERE EXISTS (SELECT FROM {_quote(name)})"
            for name in self.tables
        ]
        changed = set(connection.exec_driver_sql(" UNION ALL ".join(probes)).scalars())
        return [name for name in self.tables if name in changed]

    def restore(self, connection: sa.Connection, tables: list[str]) -> None:
        """Delete the rows of ``tables``, put back their seeded rows and set every sequence back, in the
        caller's transaction."""
        triggers = [(table, trigger) for table in tables for trigger in self.delete_triggers.get(table, ())]
        for table, trigger in triggers:
            connection.exec_driver_sql(f"ALTER TABLE {_quote(table)} DISABLE TRIGGER {_quote(trigger)}")
        for table in tables:
            connection.exec_driver_sql(f"DELETE FROM {_quote(table)}")
        for table, trigger in triggers:
            connection.exec_driver_sql(f"ALTER TABLE {_quote(table)} ENABLE TRIGGER {_quote(trigger)}")
        for name in tables:
            if name in self.seeds:
                seeded, rows, _ = self.seeds[name]
                connection.execute(seeded.insert(), rows)
        if self.sequences:
            calls = [f"setval('{name}', {value}, {called})" for name, value, called in self.sequences]
            connection.exec_driver_sql(f"SELECT {', '.join(calls)}")


class Databases:
    """The PostgreSQL databases of one test process, all named after ``prefix`` (which holds its pid)."""

    def __init__(self, admin: sa.Engine, template: str, prefix: str) -> None:
        self.admin, self.template, self.prefix = admin, template, prefix
        template_engine = sa.create_engine(self.url(template), poolclass=sa.pool.NullPool)
        try:
            self.state = Template.read(template_engine)
        finally:
            template_engine.dispose()
        self.created: set[str] = set()
        self.shared = self.create()
        self._shared_engine = self._engine_of(self.shared)
        self._shared_in_use = False

    def _engine_of(self, name: str) -> sa.Engine:
        # one session kept for the resets; a test may end it (pre-ping opens another)
        return sa.create_engine(self.url(name), pool_size=1, max_overflow=0, pool_pre_ping=True)

    def url(self, name: str) -> str:
        return self.admin.url.set(database=name).render_as_string(hide_password=False)

    def create(self) -> str:
        """A fresh clone of the template."""
        name = f"{self.prefix}_{uuid.uuid4().hex[:8]}"
        clone = f'CREATE DATABASE "{name}" TEMPLATE "{self.template}" STRATEGY WAL_LOG'
        with self.admin.connect() as connection:
            connection.exec_driver_sql(clone)
        self.created.add(name)
        return name

    def drop(self, name: str) -> None:
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.discard(name)

    @contextmanager
    def fresh(self) -> Iterator[str]:
        """The URL of a fresh clone of the template, dropped afterwards."""
        name = self.create()
        try:
            yield self.url(name)
        finally:
            self.drop(name)

    def take_shared(self) -> str:
        """The URL of the shared database, as fresh as a clone; ``reset()`` when done with it."""
        if self._shared_in_use:  # the last reset did not finish
            self.reset()
        self._shared_in_use = True
        return self.url(self.shared)

    def reset(self) -> None:
        """Make the shared database what a fresh clone would be (see the module's docstring)."""
        with self._shared_engine.begin() as connection:
            connection.exec_driver_sql(
                "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            schema_kept = connection.exec_driver_sql(SCHEMA).scalar_one() == self.state.schema
            if schema_kept:
                self.state.restore(connection, self.state.changed_tables(connection))
        if not schema_kept:
            self._shared_engine.dispose()
            self.drop(self.shared)
            self.shared = self.create()
            self._shared_engine = self._engine_of(self.shared)
        self._shared_in_use = False
        if not schema_kept:
            raise SchemaChanged(
                "the schema of the shared PostgreSQL test database changed (it has been replaced); "
                "a test that changes the schema must be marked @pytest.mark.own_database"
            )

    def close(self) -> None:
        self._shared_engine.dispose()
        for name in sorted(self.created):
            self.drop(name)
