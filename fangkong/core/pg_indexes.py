"""PostgreSQL-only indexes built CONCURRENTLY, for the migrations of the lists at scale (docs/lists-at-scale.md).

A live district's tables stay writable while such an index is built, which is why the migration that uses
this must be `atomic = False`. SQLite (the demo, the tests) needs none of them to be correct: the lists
read the same there, so the operation does nothing on it."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import migrations


def concurrent_indexes(indexes: Sequence[tuple[str, str]], *, extensions: Sequence[str] = ()) -> migrations.RunPython:
    """An operation creating `(name, "table (columns…) …")` indexes, after `extensions`, and dropping them back."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for extension in extensions:
            schema_editor.execute(f"CREATE EXTENSION IF NOT EXISTS {extension}")
        for name, definition in indexes:
            schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}")

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, _definition in indexes:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")

    return migrations.RunPython(create, drop, elidable=False)
