"""The offline gate's feed: full and incremental lists of passes, the epoch's ID-hash key, policy, today's
exits, gzip, scope, and nothing readable of a person in it."""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import json
from datetime import date, timedelta

from django.utils import timezone

from fangkong.core import crypto
from fangkong.gates.offline_keys import epoch_for, id_key
from fangkong.passes.models import ExitCount
from fangkong.passes.services import ban_create, pass_issue, pass_reissue, pass_revoke, passes_suspend_for_person


def feed(client, **params) -> dict:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    r = client.get(f"/api/v1/gates/east/sync?{query}")
    assert r.status_code == 200, r.content[:500]
    return r.json()


def rows(data: dict) -> dict[str, dict]:
    return {r[1]: dict(zip(data["pass_fields"], r, strict=True)) for r in data["passes"]}


def test_full_feed_lists_every_pass_with_status_gates_ban_and_no_personal_data(api_client, personas, temp_pass,
                                                                               tenant, gates, places, make_person):
    neighbour = make_person(places["grid2"], name="王小明")
    east_only = pass_issue(actor=personas["office"], person=neighbour, kind="resident", valid_from=date(2020, 1, 1),
                           valid_until=date(2099, 1, 1), gates=[gates["east"]])
    gone = pass_issue(actor=personas["office"], person=neighbour, kind="service", valid_from=date(2020, 1, 1),
                      valid_until=timezone.localdate() - timedelta(days=2))
    pass_revoke(actor=personas["office"], number=east_only.number, reason="遗失")
    ban_create(actor=personas["office"], community=places["home"], id_number=tenant.id_number, reason="辱骂")
    r = api_client("guard").get("/api/v1/gates/east/sync?since=0")
    data = r.json()
    assert data["full"] is True and data["removed"] == []
    assert data["pass_fields"] == ["id", "number", "kind", "status", "version", "valid_from", "valid_until",
                                   "gates", "banned", "idh"]
    listed = rows(data)
    assert set(listed) == {temp_pass.number, east_only.number}  # ended before yesterday: left out
    assert gone.number not in listed
    assert listed[east_only.number]["status"] == "revoked" and listed[east_only.number]["gates"] == ["east"]
    assert listed[temp_pass.number]["gates"] is None and listed[temp_pass.number]["banned"] is True
    assert listed[east_only.number]["banned"] is False
    assert listed[temp_pass.number]["valid_until"] == "2099-12-31"
    assert data["day"] == timezone.localdate().isoformat() and data["gate"] == {"code": "east", "kind": "both"}
    assert "keys" in data and data["epoch"] == epoch_for(timezone.localdate())
    body = r.content.decode()
    for secret in (tenant.id_number, tenant.name, neighbour.id_number, neighbour.name, tenant.id_number_masked):
        assert secret not in body


def test_idh_is_the_device_hash_of_the_holders_id_number_with_the_epoch_key(api_client, temp_pass, tenant, places):
    data = feed(api_client("guard"), since=0)
    key = base64.b64decode(data["id_key"])
    assert len(key) == 32 and key == id_key(places["home"].id, data["epoch"])
    assert key not in (crypto.current_key().index_key,)
    # What the browser computes: base64url(HMAC-SHA256(id_key, upper-case ID number))[:16], 12 bytes.
    expected = base64.urlsafe_b64encode(hmac.new(key, tenant.id_number.upper().encode(), hashlib.sha256).digest()
                                        )[:16].decode()
    assert rows(data)[temp_pass.number]["idh"] == expected
    other = id_key(places["neighbour"].id, data["epoch"])
    assert other != key  # one key per community
    assert id_key(places["home"].id, data["epoch"].replace(data["day"], "2020-01-01")) != key  # and per day
    assert id_key(places["home"].id, "2020-01-01.zzzz") is None


def test_an_older_epoch_gets_the_full_list_the_same_epoch_only_changes(api_client, personas, temp_pass, tenant,
                                                                       make_person, places):
    guard = api_client("guard")
    first = feed(guard, since=0)
    same = feed(guard, since=first["version"], epoch=first["epoch"])
    assert same["full"] is False and same["passes"] == [] and same["removed"] == []
    stale = feed(guard, since=first["version"], epoch="2020-01-01.00000000")
    assert stale["full"] is True and temp_pass.number in rows(stale)

    other = make_person(places["grid1"], name="李四")
    new = pass_issue(actor=personas["office"], person=other, kind="resident", valid_from=date(2020, 1, 1),
                     valid_until=date(2099, 1, 1))
    pass_reissue(actor=personas["office"], number=temp_pass.number)
    step = feed(guard, since=first["version"], epoch=first["epoch"])
    assert step["full"] is False and step["version"] > first["version"]
    assert set(rows(step)) == {new.number, temp_pass.number}
    assert rows(step)[temp_pass.number]["version"] == 2

    passes_suspend_for_person(person=other, suspended=True)
    step2 = feed(guard, since=step["version"], epoch=first["epoch"])
    assert [(r["number"], r["status"]) for r in rows(step2).values()] == [(new.number, "suspended")]
    ban_create(actor=personas["office"], community=places["home"], id_number=other.id_number, reason="闯卡")
    step3 = feed(guard, since=step2["version"], epoch=first["epoch"])
    assert rows(step3)[new.number]["banned"] is True
    # The events older clients read are as before: no "changed" among them.
    assert [e["kind"] for e in step3["events"]] == ["banned"]
    assert "changed" not in {e["kind"] for e in step["events"]}


def test_a_pass_ended_before_yesterday_is_removed_incrementally(api_client, personas, places, make_person, gates):
    someone = make_person(places["grid1"])
    pass_issue(actor=personas["office"], person=someone, kind="resident", valid_from=date(2020, 1, 1),
               valid_until=date(2099, 1, 1))
    guard = api_client("guard")
    first = feed(guard, since=0)
    assert first["version"] > 0
    old = pass_issue(actor=personas["office"], person=someone, kind="temporary", valid_from=date(2020, 1, 1),
                     valid_until=date(2020, 2, 1))
    step = feed(guard, since=first["version"], epoch=first["epoch"])
    assert step["removed"] == [old.id] and step["passes"] == []


def test_policy_and_todays_exits(api_client, personas, temp_pass, places):
    from fangkong.policy.services import policy_set

    home = places["home"]
    policy_set(actor=personas["leader"], key="fever_comparison", value=">", community=home,
               effective_from=date(2020, 1, 1))
    policy_set(actor=personas["leader"], key="offline_exit", value="refuse", community=home,
               effective_from=date(2020, 1, 1))
    ExitCount.objects.create(pass_ref=temp_pass, day=timezone.localdate(), exits=1)
    ExitCount.objects.create(pass_ref=temp_pass, day=timezone.localdate() - timedelta(days=1), exits=1)
    data = feed(api_client("guard"), since=0)
    assert data["policy"] == {"exit_quota": {"temporary": 1}, "id_required": ["temporary", "service"],
                              "fever_threshold": "37.3", "fever_comparison": "gt", "offline_exit": "refuse",
                              "offline_stale_minutes": 30}
    assert data["exits"] == {str(temp_pass.id): 1}


def test_gzip_when_asked(api_client, temp_pass, personas, places, make_person):
    for _ in range(5):
        pass_issue(actor=personas["office"], person=make_person(places["grid1"]), kind="resident",
                   valid_from=date(2020, 1, 1), valid_until=date(2099, 1, 1))
    guard = api_client("guard")
    plain = guard.get("/api/v1/gates/east/sync?since=0")
    packed = guard.get("/api/v1/gates/east/sync?since=0", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain and packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    unpacked = json.loads(gzip.decompress(packed.content))
    assert len(unpacked["passes"]) == len(plain.json()["passes"]) == 6
    assert len(packed.content) < len(plain.content)


def test_a_guard_of_another_community_gets_nothing(api_client, temp_pass):
    r = api_client("outsider").get("/api/v1/gates/east/sync?since=0")
    assert r.status_code == 403 and temp_pass.number not in r.content.decode()


def test_a_revocation_reaches_the_next_feed_at_once(api_client, personas, temp_pass):
    guard = api_client("guard")
    first = feed(guard, since=0)
    assert rows(first)[temp_pass.number]["status"] == "active"
    pass_revoke(actor=personas["office"], number=temp_pass.number, reason="遗失")
    assert rows(feed(guard, since=0))[temp_pass.number]["status"] == "revoked"
    assert rows(feed(guard, since=first["version"], epoch=first["epoch"]))[temp_pass.number]["status"] == "revoked"
