"""Indexes of the audit log's pages, newest first by (time, id): everything, and a community's.

PostgreSQL only, built CONCURRENTLY (outside a transaction) so that a live district's table stays writable;
SQLite (the demo, the tests) lists the same without them. docs/lists-at-scale.md says which list each serves."""

from django.db import migrations

INDEXES = [
    ("audit_list_order", "accounts_auditentry (at, id)"),
    ("audit_community_order", "accounts_auditentry (community_id, at, id)"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("accounts", "0004_apitoken_hash_only")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
