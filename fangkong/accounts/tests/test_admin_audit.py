"""Changes made in Django's admin leave the same trail as any other: users, their roles and scope grants are
in the audit log (field names, never values). (Policy values, which the admin may not delete:
fangkong/policy/tests/test_admin_delete.py.)"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

from fangkong.accounts.models import AuditEntry, ScopeGrant, User

USERS = "/admin/accounts/user/"


class _Form(HTMLParser):
    """What a browser would post from the admin's change form: its inputs, checked boxes, selected options."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.in_form = False
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id", "").endswith("_form"):
            self.in_form = True
        if not self.in_form:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value", "on" if a.get("type") == "checkbox" else ""))
        elif tag == "select" and name:
            self.select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in a:
            self.data[self.select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea] = [self.data[self.textarea][0] + data]

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.in_form = False


def form_of(response) -> dict[str, list[str]]:
    assert response.status_code == 200
    parser = _Form()
    parser.feed(response.content.decode())
    return parser.data


@pytest.fixture
def superuser(personas) -> Client:
    admin = personas["admin"]
    User.objects.filter(pk=admin.pk).update(is_staff=True)  # may open the admin site
    c = Client()
    c.force_login(admin)
    return c


def entries(**filters) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(via="admin", **filters).order_by("id"))


def assert_no_values(*values: str) -> None:
    for entry in AuditEntry.objects.all():
        text = f"{entry.object_type} {entry.object_id} {entry.fields}"
        for value in values:
            assert value not in text


def test_a_user_added_in_the_admin_with_a_grant_is_audited(superuser, places):
    home = places["home"]
    data = {"username": "newworker", "usable_password": "true", "password1": "Tiao-Jian-2026", "password2":
            "Tiao-Jian-2026", "scope_grants-TOTAL_FORMS": "1", "scope_grants-INITIAL_FORMS": "0",
            "scope_grants-0-community": str(home.pk), "_save": "Save"}
    r = superuser.post(USERS + "add/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    user = User.objects.get(username="newworker")
    [added] = entries(object_type="user", action="create")
    assert added.object_id == str(user.pk) and added.actor_username == "admin"
    assert added.fields == ["password", "username"]
    [grant] = entries(object_type="scope_grant", action="create")
    assert grant.community_id == home.pk and grant.fields == ["community", "user"]
    assert_no_values("newworker", "Tiao-Jian-2026", user.password)


def test_a_role_changed_in_the_admin_is_audited(superuser, personas):
    grid1 = personas["grid1"]
    url = f"{USERS}{grid1.pk}/change/"
    data = form_of(superuser.get(url))
    data["role"] = ["office_staff"]
    r = superuser.post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    grid1.refresh_from_db()
    assert grid1.role == "office_staff"
    [changed] = entries(object_type="user", action="update")
    assert changed.object_id == str(grid1.pk) and changed.fields == ["role"]
    assert_no_values("office_staff")


def test_a_grant_moved_or_removed_in_the_admin_is_audited_in_each_community(superuser, personas, places):
    office = personas["office"]
    url = f"{USERS}{office.pk}/change/"
    grant = office.scope_grants.get()
    data = form_of(superuser.get(url))
    data["scope_grants-0-community"] = [str(places["neighbour"].pk)]
    assert superuser.post(url, data).status_code == 302
    moved = entries(object_type="scope_grant", action="update")
    assert {e.community_id for e in moved} == {places["home"].pk, places["neighbour"].pk}
    assert all(e.object_id == str(grant.pk) and e.fields == ["community"] for e in moved)

    data = form_of(superuser.get(url))
    data["scope_grants-0-DELETE"] = ["on"]
    assert superuser.post(url, data).status_code == 302
    assert not ScopeGrant.objects.filter(pk=grant.pk).exists()
    [removed] = entries(object_type="scope_grant", action="delete")
    assert removed.object_id == str(grant.pk) and removed.community_id == places["neighbour"].pk


def test_a_password_set_in_the_admin_is_audited(superuser, personas):
    grid2 = personas["grid2"]
    url = f"{USERS}{grid2.pk}/password/"
    r = superuser.post(url, {"password1": "Ling-Xing-2026", "password2": "Ling-Xing-2026", "usable_password": "true",
                             "set_usable_password": "true"})
    assert r.status_code == 302
    [changed] = entries(object_type="user", action="update")
    assert changed.object_id == str(grid2.pk) and changed.fields == ["password"]
    # A refused one is not.
    r = superuser.post(url, {"password1": "password", "password2": "password", "usable_password": "true"})
    assert r.status_code == 200 and len(entries(object_type="user", action="update")) == 1


def test_a_weak_password_is_refused_in_the_admin(superuser):
    r = superuser.post(USERS + "add/", {"username": "weak", "usable_password": "true", "password1": "12345678",
                                        "password2": "12345678", "scope_grants-TOTAL_FORMS": "0",
                                        "scope_grants-INITIAL_FORMS": "0"})
    assert r.status_code == 200 and not User.objects.filter(username="weak").exists()
    assert not entries()


def test_a_user_deleted_in_the_admin_is_audited_with_their_grants(superuser, personas, places):
    grid2 = personas["grid2"]
    grant = grid2.scope_grants.get()
    r = superuser.post(f"{USERS}{grid2.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302 and not User.objects.filter(pk=grid2.pk).exists()
    [deleted] = entries(object_type="user", action="delete")
    assert deleted.object_id == str(grid2.pk)
    [grant_gone] = entries(object_type="scope_grant", action="delete")
    assert grant_gone.object_id == str(grant.pk) and grant_gone.community_id == places["home"].pk


def test_users_deleted_in_bulk_in_the_admin_are_audited(superuser, personas):
    ids = [personas["guard"].pk, personas["street"].pk]
    r = superuser.post(USERS, {"action": "delete_selected", "_selected_action": ids, "post": "yes"})
    assert r.status_code == 302 and not User.objects.filter(pk__in=ids).exists()
    assert sorted(int(e.object_id) for e in entries(object_type="user", action="delete")) == sorted(ids)


def test_users_created_by_code_are_audited(db):
    from fangkong.accounts.services import user_create

    user = user_create(username="scripted", password="x", role="guard")
    entry = AuditEntry.objects.get(object_type="user", object_id=str(user.pk))
    assert entry.action == "create" and entry.via == "command" and "role" in entry.fields
