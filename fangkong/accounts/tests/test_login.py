"""Logging in, as an attacker would try it: guessing a password (throttled per username and per address,
unlocked by time or by an administrator), weak passwords, and sessions left open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import F
from django.test import Client

from fangkong.accounts.models import User
from fangkong.core.headers import client_address

LOGIN = "/accounts/login/"


def attempt(username: str, password: str, *, address: str = "203.0.113.7", remember: bool = False, **extra):
    c = Client(REMOTE_ADDR=address, **extra)
    data = {"username": username, "password": password}
    if remember:
        data["remember"] = "on"
    return c, c.post(LOGIN, data)


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/"


@pytest.fixture
def limit(settings) -> int:
    return settings.AXES_FAILURE_LIMIT


# --- throttling -------------------------------------------------------------------------------------------


def test_thirty_wrong_passwords_and_then_the_right_one_is_refused(personas, limit):
    answers = [attempt("grid1", f"guess-{i}")[1].status_code for i in range(30)]
    assert answers[: limit - 1] == [200] * (limit - 1)  # the form again: wrong username or password
    assert set(answers[limit - 1:]) == {429}  # locked, and saying so
    _, right = attempt("grid1", "pw-grid1")
    assert right.status_code == 429 and not logged_in(right)
    assert b'id="locked-out"' in right.content


def test_the_lock_holds_for_the_user_from_any_address(personas, limit):
    for i in range(limit):
        attempt("grid1", "wrong", address=f"198.51.100.{i + 1}")  # a botnet: one guess per address
    _, right = attempt("grid1", "pw-grid1", address="192.0.2.200")
    assert right.status_code == 429
    assert logged_in(attempt("grid2", "pw-grid2", address="192.0.2.200")[1])  # other users are not affected


def test_the_lock_holds_for_the_address_whatever_the_username(personas, limit):
    for i in range(limit):
        attempt(f"nobody{i}", "wrong")  # spraying: one guess per username
    assert attempt("grid2", "pw-grid2")[1].status_code == 429
    assert logged_in(attempt("grid2", "pw-grid2", address="192.0.2.50")[1])


def test_the_lock_ends_after_the_cool_off(personas, limit, settings):
    for _ in range(limit):
        attempt("grid1", "wrong")
    assert attempt("grid1", "pw-grid1")[1].status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    assert logged_in(attempt("grid1", "pw-grid1")[1])


def test_an_administrator_unlocks_a_user(personas, limit):
    for _ in range(limit):
        attempt("grid1", "wrong")
    assert attempt("grid1", "pw-grid1")[1].status_code == 429
    call_command("axes_reset_username", "grid1")  # `fangkong manage axes_reset_username grid1`
    assert logged_in(attempt("grid1", "pw-grid1")[1])


def test_the_admin_login_is_throttled_too(personas, limit):
    c = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(limit):
        c.post("/admin/login/", {"username": "admin", "password": "wrong"})
    c.post("/admin/login/", {"username": "admin", "password": "pw-admin"})
    assert "_auth_user_id" not in c.session


def test_a_success_does_not_clear_failures_against_other_users(personas, limit):
    # An insider interleaving their own good logins must not reset the count against a colleague.
    for _ in range(limit - 1):
        attempt("grid1", "wrong")
        assert logged_in(attempt("grid2", "pw-grid2")[1])
    attempt("grid1", "wrong")
    assert attempt("grid1", "pw-grid1", address="192.0.2.99")[1].status_code == 429


def test_api_tokens_do_not_go_through_the_throttle(personas, limit, api_client):
    for _ in range(limit):
        attempt("office", "wrong")
    assert attempt("office", "pw-office")[1].status_code == 429
    attempts, logs = AccessAttempt.objects.count(), AccessLog.objects.count()
    assert api_client("office").get("/api/v1/people").status_code == 200
    assert (AccessAttempt.objects.count(), AccessLog.objects.count()) == (attempts, logs)


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(settings, rf):
    settings.FANGKONG_PROXY_HOPS = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.23")
    assert client_address(request) == "198.51.100.23"  # 1.2.3.4 is what the client claimed
    settings.FANGKONG_PROXY_HOPS = 0
    assert client_address(request) == "10.0.0.2"


def test_behind_a_proxy_one_client_cannot_lock_out_another(personas, limit, settings):
    settings.FANGKONG_PROXY_HOPS = 1
    for _ in range(limit):
        attempt("nobody", "wrong", address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.23")
    assert attempt("grid2", "pw-grid2", address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.23")[1].status_code == 429
    assert logged_in(attempt("grid2", "pw-grid2", address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.24")[1])
    # Claiming another address does not help: the proxy appends the real one.
    faked = attempt("grid2", "pw-grid2", address="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.23")[1]
    assert faked.status_code == 429


# --- passwords --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["password", "12345678", "87654321", "qwerty123", "grid1234", "short"])
def test_weak_passwords_are_refused(db, password):
    with pytest.raises(ValidationError):
        validate_password(password, User(username="grid1", display_name="网格员"))


@pytest.mark.parametrize("username", ["admin", "grid1", "guard4", "secretary"])
def test_the_demo_password_passes(db, username):
    validate_password("fangkong2020", User(username=username))


# --- sessions ---------------------------------------------------------------------------------------------


def _session_cookie(c: Client):
    return c.cookies["sessionid"]


def test_without_keep_me_logged_in_the_session_ends_with_the_browser(personas, settings):
    c, r = attempt("grid1", "pw-grid1")
    assert logged_in(r)
    cookie = _session_cookie(c)
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    assert c.session.get_expire_at_browser_close()
    assert c.session.get_expiry_age() == settings.FANGKONG_SESSION_IDLE_HOURS * 3600  # and idle hours on the server


def test_keep_me_logged_in_keeps_the_cookie_for_the_idle_hours(personas, settings):
    c, r = attempt("grid1", "pw-grid1", remember=True)
    assert logged_in(r)
    assert int(_session_cookie(c)["max-age"]) == settings.FANGKONG_SESSION_IDLE_HOURS * 3600 == 8 * 3600
    assert not c.session.get_expire_at_browser_close()


class Clock:
    """Moves Django's `timezone.now` (the session store's expiry) and `time.time` (the refresh) together."""

    def __init__(self, monkeypatch) -> None:
        import time

        from django.utils import timezone

        self.offset = 0.0
        real_now, real_time = timezone.now, time.time
        monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(seconds=self.offset))
        monkeypatch.setattr("fangkong.core.headers.time.time", lambda: real_time() + self.offset)

    def hours_later(self, hours: float) -> None:
        self.offset += hours * 3600


def test_an_idle_session_ends_and_a_used_one_does_not(personas, monkeypatch):
    clock = Clock(monkeypatch)
    c, _ = attempt("office", "pw-office", remember=True)
    clock.hours_later(7)
    assert c.get("/people/").status_code == 200  # used within the 8 hours: pushed forward
    clock.hours_later(7)  # 14 h after login, 7 h after the last use
    assert c.get("/people/").status_code == 200
    clock.hours_later(8.1)  # 8 h without use
    r = c.get("/people/")
    assert r.status_code == 302 and r["Location"].startswith(LOGIN)


def test_the_expiry_is_pushed_forward_at_most_every_five_minutes(personas, monkeypatch):
    clock = Clock(monkeypatch)
    c, _ = attempt("office", "pw-office")
    session = Session.objects.get()
    first = session.expire_date
    clock.hours_later(4 / 60)
    c.get("/accounts/login/")
    assert Session.objects.get().expire_date == first  # not written
    clock.hours_later(2 / 60)
    c.get("/accounts/login/")
    assert Session.objects.get().expire_date > first + timedelta(minutes=5)
