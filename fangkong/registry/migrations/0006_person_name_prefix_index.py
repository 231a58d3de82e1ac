"""A name search's prefix rank and its bounded count from the index alone: the people not purged, by
name (`LIKE 'q%'`, varchar_pattern_ops), carrying the id and the scope's columns, so that counting the
first 10,001 of a common surname in a city reads no table rows (docs/lists-at-scale.md).

PostgreSQL only, built CONCURRENTLY (`core.pg_indexes`)."""

from django.db import migrations

from fangkong.core.pg_indexes import concurrent_indexes

INDEXES = [
    ("person_name_prefix",
     "registry_person (name varchar_pattern_ops) INCLUDE (id, community_id, grid_id) WHERE purged_at IS NULL"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("registry", "0005_list_indexes_and_trigram_search")]

    operations = [concurrent_indexes(INDEXES)]
