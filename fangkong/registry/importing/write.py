"""Write checked rows: buildings, households, people, memberships, tags and tenancies.

The caller holds the transaction, so a failure anywhere leaves nothing behind. The rows, already
validated, are written straight to the driver (`insert_rows`) instead of through `bulk_create`, whose
per-field preparation cost more than the rest of the import together (docs/performance.md).
"""

from __future__ import annotations

import uuid
from typing import NamedTuple

from django.db import connection, models
from django.utils import timezone

from fangkong.core import crypto
from fangkong.core.dates import local_today
from fangkong.core.identifiers import mask_id_number
from fangkong.core.models import protect
from fangkong.registry.importing.check import Checked, Progress, Row, existing_values
from fangkong.registry.models import Building, Community, Household, Membership, Person, Tenancy
from fangkong.registry.services import default_retain_until

BATCH = 2000


class Written(NamedTuple):
    households: int
    people: int
    tenancies: int


def insert_rows(model: type[models.Model], names: list[str], rows: list[tuple]) -> None:
    """INSERT rows of already clean values, straight to the driver.

    bulk_create prepares every field of every object in Python, which cost ~0.3 ms per person. Fields
    not named get what Django would give them: their default, or now() for auto_now(_add) fields.
    SQLite runs one prepared single-row INSERT per row (executemany: in-process, no round trips);
    PostgreSQL gets COPY, as psycopg's executemany on Django's client-side binding cursor pays a round
    trip per row, and a long multi-row INSERT costs more to compose than to run.
    """
    if not rows:
        return
    meta = model._meta
    given = [meta.get_field(n) for n in names]
    rest = [f for f in meta.concrete_fields if not f.primary_key and f not in given]
    now = timezone.now()
    fixed = tuple(
        f.get_db_prep_save(now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                           else f.get_default(), connection)
        for f in rest
    )
    qn = connection.ops.quote_name
    # Table and column names come from the model, quoted; every value is passed apart from the SQL.
    target = f"{qn(meta.db_table)} ({', '.join(qn(f.column) for f in given + rest)})"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + fixed)
            return
        sql = f"INSERT INTO {target} VALUES ({', '.join(['%s'] * (len(given) + len(rest)))})"  # noqa: S608
        for i in range(0, len(rows), BATCH):
            cursor.executemany(sql, [row + fixed for row in rows[i:i + BATCH]])


def write_people(community: Community, checked: Checked, tags: dict, report: Progress) -> Written:
    """Insert everything the checked rows describe. Call inside a transaction."""
    records, hash_of, landlords_db = checked.records, checked.hash_of, checked.landlords_db
    today = local_today()
    retain = default_retain_until(today)
    buildings = {b.name: b for b in Building.objects.filter(community=community)}
    new_buildings = []
    for r in records:
        name = r.raw["building"]
        if name not in buildings:
            b = Building(community=community, grid=r.grid, name=name)
            buildings[name] = b
            new_buildings.append(b)
    Building.objects.bulk_create(new_buildings, batch_size=BATCH)

    def household_key(r: Row) -> tuple:
        return buildings[r.raw["building"]].id, r.raw.get("unit", ""), r.raw["room"]

    def households_now() -> dict[tuple, tuple]:
        return {(b, u, room): (pk, grid) for b, u, room, pk, grid in Household.objects.filter(
            community=community).values_list("building_id", "unit", "room", "id", "grid_id")}

    households = households_now()
    new_households: dict[tuple, tuple] = {}
    for r in records:
        key = household_key(r)
        if key not in households and key not in new_households:
            b = buildings[r.raw["building"]]
            address = r.raw.get("address") or f"{community.name}{b.name}{key[1]}{key[2]}"
            new_households[key] = (community.id, r.grid.id, b.id, key[1], key[2], address)
    insert_rows(Household, ["community", "grid", "building", "unit", "room", "address"],
                list(new_households.values()))
    if new_households:
        households = households_now()
    report("importing", 0, len(records))

    person_rows = []
    row_key_field = Person._meta.get_field("row_key")
    for r in records:
        d = r.data
        household_id, grid_id = households[household_key(r)]
        # The row's key is made here, before the insert, so that its ciphertexts can be bound to it.
        row_key = uuid.uuid4()
        phone_encrypted, phone_hash, phone_masked = protect("phone", d.phone, Person, row_key)
        person_rows.append((
            community.id, grid_id, household_id, d.name, d.sex, d.birth_date, d.id_type,
            row_key_field.get_db_prep_value(row_key, connection),
            crypto.encrypt(d.id_number, crypto.binding(Person, "id_number_encrypted", row_key)),
            hash_of[d.id_number], mask_id_number(d.id_number),
            phone_encrypted, phone_hash, phone_masked, d.category, d.workplace, retain,
        ))
    fields = ["community", "grid", "household", "name", "sex", "birth_date", "id_type", "row_key",
              "id_number_encrypted", "id_number_hash", "id_number_masked", "phone_encrypted", "phone_hash",
              "phone_masked", "category", "workplace", "retain_until"]
    for i in range(0, len(person_rows), 10 * BATCH):
        insert_rows(Person, fields, person_rows[i:i + 10 * BATCH])
        report("importing", min(i + 10 * BATCH, len(person_rows)), len(person_rows))
    person_id = existing_values(Person.objects.all(), "id_number_hash", list(hash_of.values()), "id")

    memberships, tag_links, tenancies = [], [], []
    for r, row in zip(records, person_rows, strict=True):
        pk, household_id, start = person_id[hash_of[r.data.id_number]], row[2], r.since or today
        memberships.append((pk, household_id, community.id, r.relation, start))
        for t in r.data.tags:
            tag_links.append((pk, (tags.get(t) or tags[t.lower()]).id))
        if r.landlord_id:
            landlord_pk = (person_id[hash_of[r.landlord_id]] if r.landlord_id in hash_of
                           else landlords_db[r.landlord_id])
            tenancies.append((community.id, landlord_pk, pk, household_id, start))
    insert_rows(Membership, ["person", "household", "community", "relation", "start_date"], memberships)
    insert_rows(Person.tags.through, ["person", "tag"], tag_links)
    insert_rows(Tenancy, ["community", "landlord", "tenant", "household", "start_date"], tenancies)
    return Written(households=len(new_households), people=len(person_rows), tenancies=len(tenancies))
