"""Index of a round's visits, newest first (the API's cursor and the round's pages).

PostgreSQL only, built CONCURRENTLY (outside a transaction) so that a live district's table stays writable;
SQLite (the demo, the tests) lists the same without them. docs/lists-at-scale.md says which list each serves."""

from django.db import migrations

from fangkong.core.pg_indexes import concurrent_indexes

INDEXES = [
    ("visit_list_order", "screening_visit (round_id, at, id)"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("screening", "0002_visit_client_id_per_user")]

    operations = [concurrent_indexes(INDEXES)]
