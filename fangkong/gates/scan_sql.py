"""The gate scan's SQL, in one place: the pass read, the exit claim and the record.

Hand-written rather than the ORM's: compiling the pass query, the token lookup and the INSERT cost
more CPU than PostgreSQL spent running them (docs/decisions/0006-raw-sql-on-the-scan-path.md). Every
table and column name comes from the models' `_meta`, so a renamed column changes the statements
with it; the statements are built once per database (`core.db.PerDatabase`), with the adapters of
their parameters and the converters of their result columns taken from the same fields
(`core.db.statement`), so SQLite and PostgreSQL get the values the ORM would give them.

The exit claim is one conditional upsert on (pass, day): the database lets exactly one of two
simultaneous exits through the quota. On PostgreSQL the claim and the INSERT of the scan are one
statement (a data-modifying WITH runs exactly once and the INSERT sees its RETURNING rows), atomic
without BEGIN/COMMIT: a replayed client_id fails it whole, the claim too. Elsewhere (SQLite) they
are two statements in a transaction. Which record a refused claim writes is decided by the caller
(`gates.scanning`), once: this module writes the record it is given for a claim that fits and the
one it is given for a claim that does not, and says which it wrote.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

from fangkong.core.db import PerDatabase, Statement, column_name, statement, table_name
from fangkong.core.internals import in_atomic_block
from fangkong.gates.models import Scan
from fangkong.passes.models import Ban, ExitCount, Pass
from fangkong.registry.models import Person


@dataclass(frozen=True)
class Holder:
    id: int
    name: str
    id_number_hash: str | None
    id_number_masked: str


@dataclass(frozen=True)
class PassRow:
    """What a scan needs of a pass, read in one statement."""

    id: int
    community_id: int
    number: str
    kind: str
    status: str
    version: int
    valid_from: date
    valid_until: date
    person_id: int
    person: Holder
    restricted: bool = False
    at_gate: bool = False
    banned: bool = False


def pass_row(p: Pass) -> PassRow:
    return PassRow(p.id, p.community_id, p.number, p.kind, p.status, p.version, p.valid_from, p.valid_until,
                   p.person_id, Holder(p.person_id, p.person.name, p.person.id_number_hash, p.person.id_number_masked))


# The scan's columns, by field name: the record's values are keyed by these. The outcome (decision,
# reasons, conflict) comes last, so the PostgreSQL statement can put its choice of outcome there.
SCAN_FIELDS = ("community", "gate", "pass_ref", "person", "guard", "device", "at", "scanned_at", "direction",
               "temperature", "plate", "client_id", "device_decision", "device_reasons")
OUTCOME_FIELDS = ("decision", "reasons", "conflict")
_PASS_FIELDS = ("id", "community", "number", "kind", "status", "version", "valid_from", "valid_until", "person")
_HOLDER_FIELDS = ("name", "id_number_hash", "id_number_masked")


@dataclass(frozen=True)
class ScanStatements:
    pass_by_id: Statement
    pass_by_number: Statement
    insert: Statement  # the record alone
    claim: Statement  # the claim alone: a row comes back when the exit fits in the quota
    claim_and_insert: Statement | None  # PostgreSQL: both in one, returning the id and whether it fit


def _build(conn: BaseDatabaseWrapper) -> ScanStatements:
    def col(model: type, name: str) -> str:
        return column_name(conn, model, name)

    def fields(model: type, names: tuple[str, ...]) -> list:
        return [model._meta.get_field(n) for n in names]

    gates_field = Pass._meta.get_field("gates")  # empty: valid at every gate of the community
    through = gates_field.remote_field.through
    quote = conn.ops.quote_name
    gates_of_pass = (f"{table_name(conn, through)} g "
                     f"WHERE g.{quote(gates_field.m2m_column_name())} = p.{col(Pass, 'id')}")
    columns = [*fields(Pass, _PASS_FIELDS), *fields(Person, _HOLDER_FIELDS), None, None, None]

    def pass_by(key: str) -> Statement:
        sql = (
            f"SELECT {', '.join(f'p.{col(Pass, n)}' for n in _PASS_FIELDS)}, "  # noqa: S608 -- names from the models
            f"{', '.join(f'h.{col(Person, n)}' for n in _HOLDER_FIELDS)}, "
            f"EXISTS (SELECT 1 FROM {gates_of_pass}), "
            f"EXISTS (SELECT 1 FROM {gates_of_pass} AND g.{quote(gates_field.m2m_reverse_name())} = %s), "
            f"EXISTS (SELECT 1 FROM {table_name(conn, Ban)} b WHERE b.{col(Ban, 'community')} = %s "
            f"AND b.{col(Ban, 'id_number_hash')} = h.{col(Person, 'id_number_hash')} "
            f"AND b.{col(Ban, 'lifted_at')} IS NULL) "
            f"FROM {table_name(conn, Pass)} p JOIN {table_name(conn, Person)} h "
            f"ON h.{col(Person, 'id')} = p.{col(Pass, 'person')} WHERE p.{col(Pass, key)} = %s"
        )
        params = [through._meta.get_field(gates_field.m2m_reverse_field_name()), Ban._meta.get_field("community"),
                  Pass._meta.get_field(key)]
        return statement(conn, sql, params=params, columns=columns)

    scan_table = table_name(conn, Scan)
    scan_fields = fields(Scan, SCAN_FIELDS)
    outcome = fields(Scan, OUTCOME_FIELDS)
    scan_columns = ", ".join(col(Scan, n) for n in (*SCAN_FIELDS, *OUTCOME_FIELDS))
    insert = statement(
        conn,
        f"INSERT INTO {scan_table} ({scan_columns}) "  # noqa: S608 -- names from the models
        f"VALUES ({', '.join(['%s'] * (len(SCAN_FIELDS) + len(OUTCOME_FIELDS)))}) RETURNING {col(Scan, 'id')}",
        params=[*scan_fields, *outcome],
    )

    exits_table = table_name(conn, ExitCount)
    pass_col, day_col, exits_col = col(ExitCount, "pass_ref"), col(ExitCount, "day"), col(ExitCount, "exits")
    upsert = (f"INSERT INTO {exits_table} ({pass_col}, {day_col}, {exits_col}) VALUES (%s, %s, 1) "  # noqa: S608
              f"ON CONFLICT ({pass_col}, {day_col}) DO UPDATE SET {exits_col} = {exits_table}.{exits_col} + 1 "
              f"WHERE {exits_table}.{exits_col} < %s RETURNING 1")
    claim_params = fields(ExitCount, ("pass_ref", "day", "exits"))
    claim = statement(conn, upsert, params=claim_params)

    claim_and_insert = None
    if conn.vendor == "postgresql":
        # Each outcome column is one of two values, the first for a claim that fits: a parameter
        # inside CASE has no column to take its type from, hence the CAST to the column's type.
        claimed = "EXISTS (SELECT 1 FROM claim)"
        chosen = ", ".join(f"CAST(CASE WHEN {claimed} THEN %s ELSE %s END AS {f.db_type(conn)})" for f in outcome)
        claim_and_insert = statement(
            conn,
            f"WITH claim AS ({upsert}) INSERT INTO {scan_table} ({scan_columns}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(SCAN_FIELDS))}, {chosen}) RETURNING {col(Scan, 'id')}, {claimed}",
            params=[*claim_params, *scan_fields, *(f for f in outcome for _ in (0, 1))],
        )
    return ScanStatements(pass_by("id"), pass_by("number"), insert, claim, claim_and_insert)


statements = PerDatabase(_build)


def load_pass(cur: CursorWrapper, *, gate_id: int, community_id: int, pass_id: int | None = None,
              number: str | None = None) -> PassRow | None:
    """The pass by id (a signed QR code) or by number (typed), with its holder, whether it is limited
    to some gates and valid at this one, and whether its holder is barred from the community."""
    st = statements()
    query, key = (st.pass_by_id, pass_id) if pass_id is not None else (st.pass_by_number, number)
    query.execute(cur, [gate_id, community_id, key])
    row = query.fetchone(cur)
    if row is None:
        return None
    return PassRow(
        id=row[0], community_id=row[1], number=row[2], kind=row[3], status=row[4], version=row[5],
        valid_from=row[6], valid_until=row[7], person_id=row[8], person=Holder(row[8], row[9], row[10], row[11]),
        restricted=bool(row[12]), at_gate=bool(row[13]), banned=bool(row[14]),
    )


def _params(record: dict) -> list:
    return [record[n] for n in SCAN_FIELDS]


def _insert(cur: CursorWrapper, record: dict) -> int:
    st = statements()
    st.insert.execute(cur, [*_params(record), *(record[n] for n in OUTCOME_FIELDS)])
    return st.insert.fetchone(cur)[0]


def record_scan(cur: CursorWrapper, record: dict, *, claim: tuple[int, date, int] | None = None,
                over_quota: dict | None = None) -> tuple[int, dict]:
    """Write the scan: `record` (its values keyed by SCAN_FIELDS and OUTCOME_FIELDS), or, when `claim`
    (pass id, day, quota) does not fit in the day's quota, `over_quota` instead. Returns the scan's
    id and the record written. Run it inside `atomic_record()`."""
    if claim is None:
        return _insert(cur, record), record
    st = statements()
    if st.claim_and_insert is None:
        st.claim.execute(cur, list(claim))
        written = record if st.claim.fetchone(cur) is not None else over_quota
        return _insert(cur, written), written
    outcomes = [v for n in OUTCOME_FIELDS for v in (record[n], over_quota[n])]
    st.claim_and_insert.execute(cur, [*claim, *_params(record), *outcomes])
    scan_id, fits = st.claim_and_insert.fetchone(cur)
    return scan_id, record if fits else over_quota


def atomic_record(alias: str = DEFAULT_DB_ALIAS) -> AbstractContextManager:
    """On PostgreSQL the record is one statement, atomic by itself: no BEGIN/COMMIT round trips unless
    the caller already holds a transaction (a savepoint then keeps a failed INSERT from aborting it).
    Elsewhere the claim and the INSERT are two statements, so a transaction."""
    conn = connections[alias]
    if statements(alias).claim_and_insert is not None and not in_atomic_block(conn):
        return nullcontext()
    return transaction.atomic(using=alias)
