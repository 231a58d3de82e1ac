"""The pending returnee reports are read by arrival day (the office's order: who arrives first), so that
order has its indexes too, alone and within a community (docs/lists-at-scale.md).

PostgreSQL only, built CONCURRENTLY (`core.pg_indexes`)."""

from django.db import migrations

from fangkong.core.pg_indexes import concurrent_indexes

INDEXES = [
    ("report_arrival_order", "observation_returneereport (status, arrival_date, id)"),
    ("report_community_arrival_order", "observation_returneereport (community_id, status, arrival_date, id)"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("observation", "0006_list_indexes")]

    operations = [concurrent_indexes(INDEXES)]
