"""Who holds a permission in a scope: the users offered as responsible workers and as gate staff."""

from __future__ import annotations

from fangkong.accounts.roles import Perm, Role
from fangkong.accounts.scope import Scope, scope_of
from fangkong.accounts.selectors import user_communities, users_with_perm_in_scope
from fangkong.accounts.services import user_create


def names(users) -> list[str]:
    return [u.username for u in users]


def test_follow_up_workers_of_a_community_and_of_a_grid(personas, places):
    # The office's community: its own staff and both grid workers; no administrator, no guard, no outsider.
    assert names(users_with_perm_in_scope(perm=Perm.FOLLOW_UP, scope=scope_of(personas["office"]))) == [
        "grid1", "grid2", "leader", "office"]
    # A grid worker's grid: those granted the whole community, and the worker of that grid only.
    assert names(users_with_perm_in_scope(perm=Perm.FOLLOW_UP, scope=scope_of(personas["grid1"]))) == [
        "grid1", "leader", "office"]


def test_an_administrator_sees_everyone_who_holds_the_permission(personas):
    assert names(users_with_perm_in_scope(perm=Perm.FOLLOW_UP, scope=scope_of(personas["admin"]))) == [
        "grid1", "grid2", "leader", "office", "outsider"]


def test_inactive_users_and_other_streets_are_left_out(personas, places):
    personas["grid2"].is_active = False
    personas["grid2"].save(update_fields=["is_active"])
    street_leader = user_create(username="streetlead", password="pw", role=Role.COMMUNITY_LEADER,
                                streets=[places["home"].street])
    home_only = Scope(community_ids=frozenset({places["home"].id}))
    assert names(users_with_perm_in_scope(perm=Perm.FOLLOW_UP, scope=home_only)) == [
        "grid1", "leader", "office", street_leader.username]
    far_only = Scope(community_ids=frozenset({places["far"].id}))
    assert names(users_with_perm_in_scope(perm=Perm.FOLLOW_UP, scope=far_only)) == ["outsider"]


def test_gate_staff_and_the_communities_they_may_work_in(personas, places):
    volunteer = user_create(username="vol", password="pw", role=Role.VOLUNTEER, grids=[places["grid2"]])
    home, neighbour = places["home"].id, places["neighbour"].id
    scope = Scope(community_ids=frozenset({home, neighbour}))
    staff = users_with_perm_in_scope(perm=Perm.SCAN, scope=scope)
    # Those who scan at the community's gates: the guard and the leader by community, the volunteer by a grid.
    assert names(staff) == ["guard", "leader", "vol"]
    where = user_communities(users=staff, community_ids=[home, neighbour])
    assert where[personas["guard"].pk] == {home} and where[volunteer.pk] == {home}


def test_me_describes_the_tokens_user_and_its_places(personas, places, api_client):
    body = api_client("grid1").get("/api/v1/me").json()
    assert (body["username"], body["role"], body["everything"]) == ("grid1", "grid_worker", False)
    assert body["grids"] == [f"{places['home'].code}/1"] and body["communities"] == [] and body["streets"] == []
    assert "screen" in body["permissions"] and "reveal_id_number" not in body["permissions"]
    street = api_client("street").get("/api/v1/me").json()
    assert street["streets"] == [places["home"].street.code]
    assert api_client("admin").get("/api/v1/me").json()["everything"] is True
