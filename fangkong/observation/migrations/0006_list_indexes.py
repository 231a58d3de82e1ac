"""Indexes of the alert, returnee report and observation lists: each list's order, alone, within a community
and within a status (the filters they offer).

PostgreSQL only, built CONCURRENTLY (outside a transaction) so that a live district's table stays writable;
SQLite (the demo, the tests) lists the same without them. docs/lists-at-scale.md says which list each serves."""

from django.db import migrations

from fangkong.core.pg_indexes import concurrent_indexes

INDEXES = [
    ("alert_list_order", "observation_alert (raised_at, id)"),
    ("alert_community_order", "observation_alert (community_id, raised_at, id)"),
    ("alert_status_order", "observation_alert (status, raised_at, id)"),
    ("report_list_order", "observation_returneereport (reported_at, id)"),
    ("report_community_order", "observation_returneereport (community_id, reported_at, id)"),
    ("report_status_order", "observation_returneereport (status, reported_at, id)"),
    ("observation_status_order", "observation_observation (status, planned_end, id)"),
    ("observation_community_order", "observation_observation (community_id, status, planned_end, id)"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("observation", "0005_alert_gate_fever")]

    operations = [concurrent_indexes(INDEXES)]
