"""Pages of sanitation: areas overdue first, the one-tap form remembers agent and dilution, patrols, scope."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.sanitation.models import Area, Disinfection, Patrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def area(places):
    return Area.objects.create(community=places["home"], kind="stairwell", name="3号楼楼道", every=1, unit="days",
                               created_at=timezone.now() - timedelta(days=2))


def test_area_list_flags_overdue_and_add_area(login, places, area):
    page = login("office").get(reverse("sanitation:area_list"))
    assert page.status_code == 200 and "3号楼楼道" in page.content.decode() and b'class="overdue"' in page.content
    r = login("office").post(reverse("sanitation:area_list"), {
        "community": places["home"].pk, "kind": "lift", "name": "电梯", "every": 6, "unit": "hours"})
    assert r.status_code == 302 and Area.objects.get(name="电梯").interval == timedelta(hours=6)
    bad = login("office").post(reverse("sanitation:area_list"), {
        "community": places["home"].pk, "kind": "lift", "name": "", "every": 0, "unit": "hours"})
    assert bad.status_code == 422
    assert login("street").post(reverse("sanitation:area_list"), {}).status_code == 403


def test_one_tap_disinfection_remembers_agent(login, area):
    url = reverse("sanitation:disinfect", args=[area.pk])
    assert login("guard").post(url, {"agent": "84消毒液", "dilution": "1:100"}).status_code == 302
    form = login("guard").get(url).content.decode()
    assert 'value="84消毒液"' in form and 'value="1:100"' in form
    assert Disinfection.objects.get().by.username == "guard"
    assert b"84" in login("office").get(reverse("sanitation:log")).content
    assert login("outsider").get(url).status_code == 404
    assert login("street").post(url, {"agent": "x"}).status_code == 403


def test_patrol_form(login, places):
    start = timezone.localtime() - timedelta(hours=2)
    r = login("office").post(reverse("sanitation:patrol_list"), {
        "community": places["home"].pk, "kind": "fire_watch", "route": "后山", "people_turned_back": 3,
        "started_at": start.strftime("%Y-%m-%dT%H:%M"), "findings": "劝返3人", "fire_risk": "on"})
    assert r.status_code == 302, r.content.decode()[:2000]
    p = Patrol.objects.get()
    assert p.fire_risk and p.people_turned_back == 3
    assert "劝返3人" in login("street").get(reverse("sanitation:patrol_list")).content.decode()
    assert "劝返3人" not in login("outsider").get(reverse("sanitation:patrol_list")).content.decode()


def test_audit_log_names_sanitation_objects(personas, area):
    from fangkong.accounts.audit_names import names_of
    from fangkong.sanitation.services import disinfection_log

    row = disinfection_log(actor=personas["office"], area=area, agent="84消毒液")
    named = names_of([("area", str(area.pk)), ("disinfection", str(row.pk))])
    assert named[("area", str(area.pk))].text == "3号楼楼道"
    assert named[("disinfection", str(row.pk))].text.startswith("3号楼楼道 · ")
