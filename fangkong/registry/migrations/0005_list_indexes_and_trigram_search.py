"""Indexes for the people and household lists at scale (docs/lists-at-scale.md), PostgreSQL only.

- `person_list_order`: the people list's order (community, grid, household, id, NULLs as 0 so that a
  cursor's row comparison holds) over the people not purged, the columns the list filters on included so
  that a page's keys, however deep the offset, come from an index-only scan.
- `person_category_order`: the same within a residence category (the list's filter).
- `household_list_order`: the households' order (community, grid, building, id).
- pg_trgm GIN indexes on `UPPER(name::text)` and `UPPER(address::text)`: the very expression Django's
  `icontains` writes, or PostgreSQL would not use them.

Built CONCURRENTLY (outside a transaction): on a live district the tables stay writable meanwhile.
SQLite (the demo, the tests) needs none of them to be correct; the lists read the same there."""

from django.db import migrations

from fangkong.core.pg_indexes import concurrent_indexes

INDEXES = [
    ("person_list_order",
     "registry_person (community_id, COALESCE(grid_id, 0), COALESCE(household_id, 0), id) "
     "INCLUDE (grid_id, household_id, category) WHERE purged_at IS NULL"),
    # The same order within one residence category (the list's category filter).
    ("person_category_order",
     "registry_person (category, community_id, COALESCE(grid_id, 0), COALESCE(household_id, 0), id) "
     "WHERE purged_at IS NULL"),
    ("household_list_order", "registry_household (community_id, grid_id, building_id, id)"),
    ("person_name_trgm", "registry_person USING gin (UPPER(name::text) gin_trgm_ops)"),
    ("household_address_trgm", "registry_household USING gin (UPPER(address::text) gin_trgm_ops)"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("registry", "0004_person_row_key_unique")]

    operations = [concurrent_indexes(INDEXES, extensions=["pg_trgm"])]
