"""Indexes of the scan list (`GET /api/v1/scans`, newest first, by key): its order alone (a city-wide
scope), within a community (a scope of communities), a gate and a pass (its filters).

PostgreSQL only, built CONCURRENTLY (outside a transaction) so that a live gate's table stays writable;
SQLite (the demo, the tests) lists the same without them. docs/lists-at-scale.md says which list each serves."""

from django.db import migrations

from fangkong.core.pg_indexes import concurrent_indexes

INDEXES = [
    ("scan_list_order", "gates_scan (at, id)"),
    ("scan_community_order", "gates_scan (community_id, at, id)"),
    ("scan_gate_order", "gates_scan (gate_id, at, id)"),
    ("scan_pass_order", "gates_scan (pass_id, at, id)"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("gates", "0010_scan_offline_by_day")]

    operations = [concurrent_indexes(INDEXES)]
