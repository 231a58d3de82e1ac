"""Uploading an offline device's queue: the server decides each scan again at its `scanned_at`; a device's
allow the server refuses is a conflict, a device's refusal is recorded as the gate gave it; the ID card as
the device's hash; replays; and the conflicts listed with what they conflict with."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from fangkong.gates.models import Scan
from fangkong.gates.offline_keys import epoch_for, id_hash, id_key
from fangkong.passes.models import ExitCount
from fangkong.passes.services import pass_revoke


def item(p, n: int, minutes_ago: int, direction: str = "out", **kw) -> dict:
    at = timezone.localtime() - timedelta(minutes=minutes_ago)
    out = {"gate": "east", "direction": direction, "code": p.number, "client_id": f"dev-{n}",
           "scanned_at": at.isoformat(), "device": "0b7c1e5a-1111-4c2e-9d1a-2f3e4d5c6b7a", "device_decision": "allow",
           "device_reasons": []}
    if direction == "in":
        out["temperature"] = "36.5"
    return {**out, **kw}


def idh_of(p, community_id: int, epoch: str | None = None) -> tuple[str, str]:
    epoch = epoch or epoch_for(timezone.localdate())
    return id_hash(id_key(community_id, epoch), p.person.id_number), epoch


def upload(client, *scans) -> dict:
    r = client.post("/api/v1/scans/batch", {"scans": list(scans)}, content_type="application/json")
    assert r.status_code == 200, r.content[:800]
    return r.json()


def test_device_allowed_a_pass_revoked_before_the_scan_a_conflict(api_client, personas, temp_pass, places):
    pass_revoke(actor=personas["office"], number=temp_pass.number, reason="遗失")
    idh, epoch = idh_of(temp_pass, places["home"].id)
    out = upload(api_client("guard"), item(temp_pass, 1, 5, id_number_hash=idh, id_epoch=epoch))["results"][0]
    assert (out["decision"], out["conflict"], out["device_decision"]) == ("deny", True, "allow")
    assert out["reasons"] == out["conflict_reasons"] == ["pass_revoked"]
    scan = Scan.objects.get()
    assert scan.conflict and scan.device_decision == "allow" and scan.scanned_at < scan.at


def test_a_second_exit_at_another_gate_is_a_conflict_and_scanned_at_counts_the_day(api_client, temp_pass, places):
    guard = api_client("guard")
    idh, epoch = idh_of(temp_pass, places["home"].id)
    online = guard.post("/api/v1/scans", {"gate": "north", "direction": "out", "code": temp_pass.number,
                                          "id_number": temp_pass.person.id_number}, content_type="application/json")
    assert online.json()["decision"] == "allow"
    out = upload(guard, item(temp_pass, 2, 3, id_number_hash=idh, id_epoch=epoch))
    assert out["conflicts"] == 1
    r = out["results"][0]
    assert (r["decision"], r["conflict_reasons"]) == ("deny", ["exit_quota_reached"])
    assert ExitCount.objects.get().exits == 1


def test_device_denied_is_recorded_with_its_reasons_no_exit_claimed_no_conflict(api_client, temp_pass, places):
    idh, epoch = idh_of(temp_pass, places["home"].id)
    out = upload(api_client("guard"), item(temp_pass, 3, 4, device_decision="deny", device_reasons=["id_required"]),
                 item(temp_pass, 4, 2, direction="in", temperature="38.2", device_decision="deny",
                      device_reasons=["fever"]))
    first, second = out["results"]
    assert (first["decision"], first["reasons"], first["conflict"], first["conflict_reasons"]) == (
        "deny", ["id_required"], False, [])
    assert (second["decision"], second["reasons"]) == ("deny", ["fever"])
    assert not ExitCount.objects.exists()
    # The exit the device refused left the day's quota whole: the next one is allowed.
    nxt = upload(api_client("guard"), item(temp_pass, 5, 1, id_number_hash=idh, id_epoch=epoch))["results"][0]
    assert (nxt["decision"], nxt["conflict"]) == ("allow", False)


def test_the_id_card_as_the_devices_hash(api_client, temp_pass, tenant, places, make_person):
    guard = api_client("guard")
    idh, epoch = idh_of(temp_pass, places["home"].id)
    ok = upload(guard, item(temp_pass, 6, 9, direction="in", id_number_hash=idh, id_epoch=epoch))["results"][0]
    assert ok["decision"] == "allow"
    someone = make_person(places["grid1"])
    wrong = id_hash(id_key(places["home"].id, epoch), someone.id_number)
    bad = upload(guard, item(temp_pass, 7, 8, direction="in", id_number_hash=wrong, id_epoch=epoch))["results"][0]
    assert (bad["reasons"], bad["conflict"]) == (["id_mismatch"], True)
    gone = upload(guard, item(temp_pass, 8, 7, direction="in", id_number_hash=idh, id_epoch="2020-01-01.deadbeef"))
    assert gone["results"][0]["reasons"] == ["id_mismatch"]
    missing = upload(guard, item(temp_pass, 9, 6, direction="in"))["results"][0]
    assert missing["reasons"] == ["id_required"]  # a temporary pass needs the card (default policy)


def test_replays_return_the_first_answer(api_client, temp_pass, places):
    guard = api_client("guard")
    idh, epoch = idh_of(temp_pass, places["home"].id)
    batch = [item(temp_pass, 10, 5, id_number_hash=idh, id_epoch=epoch),
             item(temp_pass, 11, 4, id_number_hash=idh, id_epoch=epoch)]
    first = upload(guard, *batch)
    again = upload(guard, *batch)
    assert [r["scan"] for r in first["results"]] == [r["scan"] for r in again["results"]]
    assert all(r["replayed"] for r in again["results"])
    assert [r["decision"] for r in again["results"]] == ["allow", "deny"]
    assert Scan.objects.count() == 2 and ExitCount.objects.get().exits == 1


def test_unknown_device_reasons_are_refused(api_client, temp_pass):
    r = api_client("guard").post("/api/v1/scans/batch", {"scans": [item(temp_pass, 12, 1, device_decision="deny",
                                                                         device_reasons=["whatever"])]},
                                 content_type="application/json")
    assert r.status_code == 400 and not Scan.objects.exists()


def test_online_scans_ignore_device_fields(api_client, personas, temp_pass):
    pass_revoke(actor=personas["office"], number=temp_pass.number, reason="遗失")
    r = api_client("guard").post("/api/v1/scans", {"gate": "east", "direction": "out", "code": temp_pass.number,
                                                   "device_decision": "allow"}, content_type="application/json")
    assert (r.json()["decision"], r.json()["conflict"]) == ("deny", False)


def test_conflicts_listed_with_the_other_exits_and_the_revocation(api_client, login, personas, temp_pass, places):
    guard = api_client("guard")
    idh, epoch = idh_of(temp_pass, places["home"].id)
    upload(guard, item(temp_pass, 20, 30, id_number_hash=idh, id_epoch=epoch),
           item(temp_pass, 21, 20, id_number_hash=idh, id_epoch=epoch, gate="north"))
    pass_revoke(actor=personas["office"], number=temp_pass.number, reason="遗失")
    upload(guard, item(temp_pass, 22, 1, direction="in", id_number_hash=idh, id_epoch=epoch))
    listed = api_client("office").get("/api/v1/scans/conflicts?limit=10").json()
    assert [c["reasons"] for c in listed] == [["pass_revoked"], ["exit_quota_reached"]]
    revoked, double = listed
    assert revoked["revoked_at"] is not None and revoked["others"] == []
    assert [o["gate"] for o in double["others"]] == ["east"] and double["gate"] == "north"
    assert double["others"][0]["decision"] == "allow"
    assert api_client("office").get("/api/v1/scans/conflicts?limit=1&offset=1").json()[0]["id"] == double["id"]
    assert api_client("outsider").get("/api/v1/scans/conflicts").json() == []
    page = login("office").get(reverse("gates:conflicts"))
    html = page.content.decode()
    assert page.status_code == 200 and f'id="conflict-{double["id"]}"' in html and temp_pass.number in html
    assert temp_pass.person.name not in html and temp_pass.person.id_number not in html
    assert login("outsider").get(reverse("gates:conflicts")).content.decode().count('class="card conflict"') == 0
