"""The audit log in words: the actor's name, the object's name with a link, the fields in words; filters by
user, person, day and action; paged by key; names resolved in bulk; never a revealed value.

Accounts sits below the registry: its tests reveal through the registry's page, not its services (the
names of passes and policy values: passes/tests/test_audit_names.py)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fangkong.accounts.models import AuditEntry
from fangkong.accounts.services import audit_record
from fangkong.core.identifiers import mask_name

SH = ZoneInfo("Asia/Shanghai")
URL = reverse("accounts:audit_log")


@pytest.fixture
def named(personas):
    for who, name in [("office", "李会计"), ("leader", "王书记"), ("grid1", "赵网格"), ("outsider", "外社区书记")]:
        personas[who].display_name = name
        personas[who].save(update_fields=["display_name"])
    return personas


def _rows(html: str) -> list[str]:
    body = html.split('<table class="list" id="audit">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr class=.*?</tr>", body, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", tr)).strip() for tr in rows]


@pytest.fixture
def reveal(named, login):
    """Reveal a person's field as a persona would, on the dossier: the clear value it answered."""
    def run(who, person, field):
        r = login(who).post(reverse("registry:person_reveal", args=[person.pk, field]))
        assert r.status_code == 200
        return re.sub(r"<[^>]+>", "", r.content.decode()).strip()
    return run


def test_an_entry_reads_in_words_with_names_and_a_link(named, places, make_person, login, reveal):
    person = make_person(places["grid1"], name="张小三")
    clear = reveal("office", person, "id_number")
    assert clear and clear != person.id_number_masked
    html = login("leader").get(URL).content.decode()
    [row] = [r for r in _rows(html) if "reveal" in r.lower()]
    assert "李会计" in row and "person 张*三" in row and "ID number" in row and "web page" in row
    assert f'<a href="{reverse("registry:person_detail", args=[person.pk])}">{mask_name("张小三")}</a>' in html
    assert "id_number" not in row and "#" not in row and "office" not in row
    assert person.id_number not in html and "张小三" not in html  # never the revealed value, nor the full name


def test_filters_by_user_person_action_and_days(named, places, make_person, login, reveal):
    a, b = make_person(places["grid1"], name="孙甲乙"), make_person(places["grid1"], name="周丙丁", phone="13900139000")
    reveal("office", a, "id_number")
    reveal("leader", b, "phone")
    old = audit_record(actor=named["leader"], action="update", object_type="person", object_id=a.pk,
                       community_id=places["home"].id, fields=["workplace"])
    AuditEntry.objects.filter(pk=old.pk).update(at=datetime(2026, 11, 2, 10, 0, tzinfo=SH))
    c = login("leader")

    def rows(**params):
        return _rows(c.get(URL, params).content.decode())

    by_office = rows(actor=named["office"].pk)
    assert by_office and all("李会计" in r for r in by_office)
    about_a = rows(person=a.pk)
    assert len(about_a) == 3 and all("孙*乙" in r for r in about_a)  # registered, revealed, changed
    assert not any("周*丁" in r for r in about_a)
    assert "孙*乙" in c.get(URL, {"person": a.pk}).content.decode().split('id="audit-person"')[1][:300]
    reveals = rows(action="reveal")
    assert len(reveals) == 2 and all(" reveal " in r for r in reveals)
    early = rows(day_from="2026-11-01", day_to="2026-11-02")
    assert len(early) == 1 and "workplace" in early[0]
    assert rows(day_from="2026-11-03", person=a.pk) == [r for r in about_a if "workplace" not in r]
    # The user filter offers names, and only users of the reader's communities.
    html = c.get(URL).content.decode()
    select = html.split('name="actor"')[1].split("</select>")[0]
    choices = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)
    assert "李会计" in choices and "外社区书记" not in choices and "office" not in choices


def test_a_reader_sees_only_their_communities(named, places, make_person, login, reveal):
    person = make_person(places["grid1"], name="吴某某")
    reveal("office", person, "id_number")
    assert _rows(login("outsider").get(URL).content.decode()) == []
    assert login("outsider").get(URL, {"person": person.pk}).status_code == 200


def test_paged_by_key_newest_first_without_repeats(named, places, login):
    home = places["home"]
    start = datetime(2026, 11, 1, 8, 0, tzinfo=SH)
    entries = [AuditEntry(actor=named["office"], actor_username="office", action="update", object_type="household",
                          object_id=str(i), community=home, at=start + timedelta(minutes=i // 2)) for i in range(130)]
    AuditEntry.objects.bulk_create(entries)
    c = login("leader")
    first = c.get(URL).content.decode()
    assert len(_rows(first)) == 100
    after = re.search(r'after=([0-9-]+)"', first).group(1)
    # An entry written meanwhile does not shift the next page.
    audit_record(actor=named["leader"], action="update", object_type="household", object_id="new", community_id=home.id)
    second = c.get(URL, {"after": after}).content.decode()
    seen = [re.search(r"#(\d+)", r).group(1) for r in _rows(first) + _rows(second)]
    assert len(_rows(second)) == 30 and len(set(seen)) == 130 and "Older entries" not in second
    assert seen[0] == "129" and seen[-1] == "0"
    for bad in ("rubbish", "999999999999999999-1", "1-99999999999999999999", "-1"):  # a bad key: the first page
        assert len(_rows(c.get(URL, {"after": bad}).content.decode())) == 100


def test_names_are_resolved_in_bulk(named, places, make_person, login, reveal):
    c = login("admin")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(URL).status_code == 200
        return len(ctx.captured_queries)

    reveal("office", make_person(places["grid1"]), "id_number")
    queries()  # the session's first request reads what later ones have cached
    few = queries()
    for _i in range(15):
        reveal("leader", make_person(places["grid2"], phone="13800138000"), "phone")
    assert queries() == few


def test_the_dossier_links_to_its_entries_for_readers_of_the_log(places, make_person, login):
    person = make_person(places["grid1"])
    link = f'{URL}?person={person.pk}'
    assert link in login("leader").get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert link not in login("office").get(reverse("registry:person_detail", args=[person.pk])).content.decode()
