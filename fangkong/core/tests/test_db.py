"""Hand-written statements run as the ORM would: parameters adapted and result columns converted by
the fields they write and read, on SQLite and PostgreSQL alike; the cursor binds server-side on
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.db import connection, models
from django.utils import timezone

from fangkong.core.db import PerDatabase, binding_cursor, column_name, param_adapter, statement, table_name


@pytest.mark.parametrize("field, value", [
    (models.DateTimeField(), datetime(2026, 11, 29, 8, 30, 15, 123, tzinfo=UTC)),
    (models.DateTimeField(null=True), None),
    (models.DateField(), date(2026, 11, 29)),
    (models.DecimalField(max_digits=3, decimal_places=1), Decimal("36.5")),
    (models.CharField(max_length=5), "allow"),
    (models.IntegerField(), 7),
    (models.BooleanField(), True),
])
def test_parameters_are_adapted_as_the_orm_adapts_them(field, value):
    adapt = param_adapter(field, connection)
    assert (value if adapt is None else adapt(value)) == field.get_db_prep_save(value, connection)


def test_json_goes_as_its_text():
    adapt = param_adapter(models.JSONField(), connection)
    assert adapt(["exit_quota_reached"]) == '["exit_quota_reached"]' and adapt([]) == "[]" and adapt(None) is None


@pytest.mark.django_db
def test_a_statement_reads_and_writes_as_the_orm():
    expires = timezone.now().replace(microsecond=0) + timedelta(days=1)
    fields = [Session._meta.get_field(n) for n in ("session_key", "session_data", "expire_date")]
    columns = ", ".join(column_name(connection, Session, f.name) for f in fields)
    insert = statement(connection, f"INSERT INTO {table_name(connection, Session)} ({columns}) "  # noqa: S608
                                   "VALUES (%s, %s, %s)", params=fields)
    select = statement(connection, f"SELECT {columns} FROM {table_name(connection, Session)} "  # noqa: S608
                                   f"WHERE {column_name(connection, Session, 'expire_date')} = %s",
                       params=[fields[2]], columns=fields)
    with binding_cursor() as cur:
        insert.execute(cur, ["k1", "data", expires])
        select.execute(cur, [expires])
        row = select.fetchone(cur)
        select.execute(cur, [expires + timedelta(seconds=1)])
        assert select.fetchone(cur) is None
    stored = Session.objects.get()
    assert tuple(row) == (stored.session_key, stored.session_data, stored.expire_date) == ("k1", "data", expires)
    assert row[2].tzinfo is not None


def test_names_come_from_the_models():
    quote = connection.ops.quote_name
    assert table_name(connection, LogEntry) == quote("django_admin_log")
    assert column_name(connection, LogEntry, "user") == quote("user_id")


def test_per_database_builds_once_per_alias():
    built = []
    per = PerDatabase(lambda conn: built.append(conn.alias) or len(built))
    assert per() == per() == per("default") == 1
    assert built == ["default"]


@pytest.mark.django_db
def test_binding_cursor_sends_parameters_apart_on_postgresql():
    with binding_cursor() as cur:
        cur.execute("SELECT %s + 1, %s", [41, "[]"])
        assert cur.fetchone() == (42, "[]")
        if connection.vendor == "postgresql":
            import psycopg

            assert isinstance(cur.cursor, psycopg.Cursor) and not isinstance(cur.cursor, psycopg.ClientCursor)
