"""Client-supplied dates and times: bounded, in Asia/Shanghai when naive, never in the future."""

from __future__ import annotations

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from fangkong.core.dates import CLIENT_CLOCK_TOLERANCE, client_date, client_instant
from fangkong.core.errors import FieldError
from fangkong.core.health import parse_temperature


def test_a_naive_time_is_asia_shanghai_and_absent_is_now():
    now = timezone.now()
    assert client_instant(None, field="at", now=now) == now
    got = client_instant(datetime(2026, 2, 1, 8, 30), field="at", now=now)
    assert got.utcoffset() == timedelta(hours=8) and got.hour == 8


def test_the_future_is_refused_beyond_one_tolerance():
    now = timezone.now()
    assert client_instant(now + CLIENT_CLOCK_TOLERANCE, field="at", now=now)
    with pytest.raises(FieldError) as exc:
        client_instant(now + CLIENT_CLOCK_TOLERANCE + timedelta(seconds=1), field="at", now=now)
    assert (exc.value.field, exc.value.code) == ("at", "in_future")


@pytest.mark.parametrize("value", [datetime(1, 1, 1, tzinfo=dt_timezone(timedelta(hours=14))),
                                   datetime(1999, 12, 31, 23, 59), datetime(9999, 12, 31, 23, 59)])
def test_times_at_the_ends_of_the_calendar_are_a_field_error(value):
    with pytest.raises(FieldError) as exc:
        client_instant(value, field="at")
    assert exc.value.code in ("out_of_range", "in_future")


@given(st.datetimes(timezones=st.one_of(st.none(), st.timezones())))
def test_any_time_is_accepted_or_refused_as_a_field_error(value):
    try:
        client_instant(value, field="at")
    except FieldError:
        pass


@given(st.dates())
def test_any_date_is_accepted_or_refused_as_a_field_error(value):
    try:
        assert client_date(value, field="day") == value and 2000 <= value.year <= 2100
    except FieldError as exc:
        assert exc.code == "out_of_range" and not 2000 <= value.year <= 2100


@pytest.mark.parametrize("text", ["NaN", "nan", "sNaN", "inf", "-Infinity", "1e999999"])
def test_temperatures_that_are_not_finite_numbers_are_a_field_error(text):
    with pytest.raises(FieldError) as exc:
        parse_temperature(text)
    assert exc.value.code == "not_number"
