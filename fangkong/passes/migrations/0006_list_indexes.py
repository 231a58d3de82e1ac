"""Indexes of the pass lists: the API's order (community, then as issued) and its kind and status filters, the
page's order (community, number).

PostgreSQL only, built CONCURRENTLY (outside a transaction) so that a live district's table stays writable;
SQLite (the demo, the tests) lists the same without them. docs/lists-at-scale.md says which list each serves."""

from django.db import migrations

from fangkong.core.pg_indexes import concurrent_indexes

INDEXES = [
    ("pass_list_order", "passes_pass (community_id, id)"),
    ("pass_kind_order", "passes_pass (kind, community_id, id)"),
    ("pass_status_order", "passes_pass (status, community_id, id)"),
    ("pass_page_order", "passes_pass (community_id, number)"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("passes", "0005_offline_console")]

    operations = [concurrent_indexes(INDEXES)]
