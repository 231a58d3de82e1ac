"""Two app servers on one database and one Redis (docs/scaling-out.md): what one server changes, the
other enforces. Two `fangkong serve` processes on two ports; a ban made through A refuses the next scan
at B; a token revoked, or its guard deactivated, by a third process stops scanning on both within the token
cache's bound with Redis (about a second, well within its 10 s time bound), as does a policy change; login
failures sent to both count towards one lockout.
PostgreSQL and Redis only: skipped on SQLite and when Redis does not answer."""

from __future__ import annotations

import time

import pytest

from fangkong.accounts.services import SCAN_TOKEN_SECONDS
from fangkong.core import shared_state
from fangkong.core.tests import live_servers as live

pytestmark = [
    pytest.mark.skipif(live.postgres_url() is None, reason="PostgreSQL only: two servers share one database"),
    pytest.mark.postgres,
]

LOGIN_FAILURES = 3


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    redis = live.redis_url()
    if redis is None:
        pytest.skip("Redis does not answer at 127.0.0.1:6379 (FANGKONG_TEST_REDIS_URL)")
    root = tmp_path_factory.mktemp("two-servers")
    with live.fresh_database("fk_two") as database:
        env = live.base_env(DATABASE_URL=database, REDIS_URL=redis, FANGKONG_LOGIN_FAILURES=str(LOGIN_FAILURES))
        world = live.build_world(root / "world", env)
        servers = []
        try:
            servers = [live.start_server(root / name, env) for name in ("a", "b")]
            yield {"a": servers[0], "b": servers[1], "world": world, "env": env, "root": root}
        finally:
            for server in servers:
                live.stop_server(server)
            _forget_counters(redis)


def _forget_counters(url: str) -> None:
    """The generation counters never expire: remove this run's from its Redis database."""
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match="*fangkong:gen:*"):
        client.delete(key)


def test_a_ban_made_through_one_server_refuses_the_next_scan_at_the_other(cluster):
    a, b, world = cluster["a"], cluster["b"], cluster["world"]
    person, guard = world["people"][0], world["tokens"]["guard1"]
    status, before = live.scan(b, guard, person)
    assert (status, before["decision"]) == (200, "allow"), before
    status, content, _ = live.request(a, "POST", "/api/v1/bans", token=world["tokens"]["leader"], body={
        "community": "C1", "id_number": person["id_number"], "reason": "quarrel at the gate"})
    assert status == 201, content
    status, after = live.scan(b, guard, person)
    assert status == 200 and after["decision"] == "deny" and "banned" in after["reasons"], after
    status, at_a = live.scan(a, guard, person)
    assert "banned" in at_a["reasons"]
    # Someone else still passes at both: the ban is the person's, not the gate's.
    assert live.scan(b, guard, world["people"][1])[1]["decision"] == "allow"


def _stops_on_both(cluster, token: str, person: dict, change) -> dict[str, float]:
    """Seconds after `change()` returns until each server refuses `token` (which both have cached)."""
    a, b = cluster["a"], cluster["b"]
    for server in (a, b):  # each server's process now remembers the token's user
        assert live.scan(server, token, person)[0] == 200
    change()
    changed_at = time.monotonic()
    stopped: dict[str, float] = {}
    while len(stopped) < 2 and time.monotonic() - changed_at < SCAN_TOKEN_SECONDS + 5:
        for name, server in (("a", a), ("b", b)):
            if name not in stopped and live.scan(server, token, person)[0] == 401:
                stopped[name] = time.monotonic() - changed_at
        time.sleep(0.1)
    assert set(stopped) == {"a", "b"}, stopped
    return stopped


# Within the counters' check interval and a margin for a busy machine; well before the token cache's own
# time bound, which is what each server would wait without the shared counter.
BOUND = shared_state.CHECK_SECONDS + 3.0
assert BOUND < SCAN_TOKEN_SECONDS


def test_a_revoked_token_stops_on_both_servers_within_the_bound(cluster):
    world, person = cluster["world"], cluster["world"]["people"][2]
    # A third process (the command an operator runs) revokes it: neither server made the change.
    new = []
    stopped = _stops_on_both(cluster, world["tokens"]["guard2"], person, lambda: new.append(
        live.fangkong(cluster["root"] / "world", "token", "guard2", env=cluster["env"]).strip().splitlines()[-1]))
    assert max(stopped.values()) <= BOUND, stopped
    for server in (cluster["a"], cluster["b"]):
        assert live.scan(server, new[0], person)[0] == 200  # the replacement works at once


def test_a_guard_deactivated_elsewhere_stops_scanning_on_both_servers(cluster):
    deactivate = ("from fangkong.accounts.models import User\n"
                  "from fangkong.accounts.services import user_change\n"
                  "guard = User.objects.get(username='guard3')\n"
                  "guard.is_active = False\n"
                  "user_change(actor=User.objects.get(username='admin'), user=guard, fields=['is_active'])\n")
    stopped = _stops_on_both(cluster, cluster["world"]["tokens"]["guard3"], cluster["world"]["people"][2],
                             lambda: live.django_child(deactivate, cluster["root"] / "world", cluster["env"]))
    assert max(stopped.values()) <= BOUND, stopped


def test_a_policy_change_made_elsewhere_reaches_both_servers_scans_within_the_bound(cluster):
    """The fever threshold lowered by another process: 37.2 °C, let in before, is refused at both servers
    within about a second, not after the policy cache's 30 s."""
    a, b, world = cluster["a"], cluster["b"], cluster["world"]
    person, guard = world["people"][3], world["tokens"]["guard1"]
    for server in (a, b):  # each server's process now holds the community's policy for today
        assert live.scan(server, guard, person, temperature="37.2")[1]["decision"] == "allow"
    lower = ("from django.utils import timezone\n"
             "from fangkong.accounts.models import User\n"
             "from fangkong.policy.services import policy_set\n"
             "from fangkong.registry.models import Community\n"
             "policy_set(actor=User.objects.get(username='admin'), key='fever_threshold', value='37.0',\n"
             "           effective_from=timezone.localdate(), community=Community.objects.get(code='C1'))\n")
    live.django_child(lower, cluster["root"] / "world", cluster["env"])
    changed_at = time.monotonic()
    refused: dict[str, float] = {}
    while len(refused) < 2 and time.monotonic() - changed_at < 35:
        for name, server in (("a", a), ("b", b)):
            if name not in refused and "fever" in live.scan(server, guard, person, temperature="37.2")[1]["reasons"]:
                refused[name] = time.monotonic() - changed_at
        time.sleep(0.1)
    assert set(refused) == {"a", "b"} and max(refused.values()) <= BOUND, refused


def test_login_failures_sent_to_both_servers_reach_one_lockout(cluster):
    a, b = cluster["a"], cluster["b"]
    answers = [live.login((a, b)[i % 2], "leader", f"guess-{i}")[0] for i in range(LOGIN_FAILURES)]
    # Each server saw fewer failures than the limit; together they reach it.
    assert answers[:-1] == [200] * (LOGIN_FAILURES - 1)
    assert answers[-1] == 429
    for server in (a, b):
        status, content = live.login(server, "leader", live.PASSWORD)
        assert status == 429 and b'id="locked-out"' in content
