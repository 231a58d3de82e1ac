"""Indexes of the audit log's pages, newest first by (time, id): everything, and a community's.

PostgreSQL only, built CONCURRENTLY (outside a transaction) so that a live district's table stays writable;
SQLite (the demo, the tests) lists the same without them. docs/lists-at-scale.md says which list each serves."""

from django.db import migrations

from fangkong.core.pg_indexes import concurrent_indexes

INDEXES = [
    ("audit_list_order", "accounts_auditentry (at, id)"),
    ("audit_community_order", "accounts_auditentry (community_id, at, id)"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("accounts", "0004_apitoken_hash_only")]

    operations = [concurrent_indexes(INDEXES)]
