"""The demo community is the one of the report: 孙家下庄社区 with its people, grids, landlords and gates."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Count
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.gates.models import Gate
from fangkong.registry.models import Community, Household, Merchant, Person, Tenancy
from fangkong.workgroup.models import HouseholdLiaison, Member


def test_demo_community_matches_the_report(demo):
    c = Community.objects.get(code="SJXZ")
    assert (c.name, c.street.name, c.street.district.name) == ("孙家下庄社区", "中韩街道", "崂山区")
    assert c.grids.count() == 6
    assert Household.objects.filter(community=c).count() == 1000
    assert Person.objects.filter(community=c).exclude(category="floating").count() == 3000
    # The report's 490 outsiders, and one unregistered tenant the screening demo finds at a door.
    floating_tenants = Person.objects.filter(community=c, category="floating", tenancies_as_tenant__isnull=False)
    assert floating_tenants.count() == 491
    assert Tenancy.objects.filter(community=c).count() == 491
    assert floating_tenants.filter(visit_entries__added_on_spot=True).count() == 1
    landlords = Tenancy.objects.values("landlord").distinct().count()
    assert landlords == 120
    assert Merchant.objects.filter(kind="vegetables").count() == 3
    assert Merchant.objects.filter(kind="water").count() == 3
    assert Gate.objects.filter(community=c).count() == 4
    assert Gate.objects.filter(name="辽阳东路门岗").exists()
    assert HouseholdLiaison.objects.filter(community=c).count() == Household.objects.filter(community=c).count()
    positions = set(Member.objects.values_list("position", flat=True))
    assert {"secretary", "director", "committee", "office", "grid_worker", "safety"} <= positions
    per_grid = Person.objects.filter(community=c, grid__isnull=False).values("grid").annotate(n=Count("id"))
    assert all(n["n"] > 300 for n in per_grid)


def test_demo_gates_passes_roster_scans_and_the_incident(demo):
    from fangkong.gates.models import Incident, Scan, Shift
    from fangkong.passes.models import Ban, Pass

    c = Community.objects.get(code="SJXZ")
    temporary = Pass.objects.filter(community=c, kind="temporary")
    assert temporary.count() == 490
    assert set(temporary.values_list("person__category", flat=True)) == {"floating"}
    assert Pass.objects.filter(kind="resident").count() == 3000
    blue = Pass.objects.filter(kind="service")
    assert blue.count() == 6 and set(blue.values_list("person__workplace", flat=True)) == {
        "崂山矿泉水配送站", "清源桶装水", "山泉送水服务部"}
    # The week's roster from today: three shifts a day at each of the four gates. Before today, the
    # volunteers' demo adds six past shifts, one for each volunteer with a login.
    roster = Shift.objects.filter(community=c, starts_at__gte=timezone.make_aware(
        datetime.combine(timezone.localdate(), time(0))))
    assert roster.count() == 7 * 4 * 3
    assert Shift.objects.filter(community=c).exclude(pk__in=roster).count() == 6
    assert Scan.objects.filter(community=c).count() == 720
    assert Scan.objects.filter(community=c, decision="deny").count() == 1
    incident = Incident.objects.get()
    assert incident.gate.name == "辽阳东路门岗" and incident.banned
    revoked = Pass.objects.get(number=incident.revoked_passes[0])
    assert revoked.kind == "service" and revoked.status == "revoked"
    assert Ban.objects.filter(person=revoked.person).exists()


def test_demo_logins_cover_every_role(demo_logins):
    assert set(demo_logins) == {"admin", "street", "secretary", "director", "committee1", "office1",
                                *(f"grid{n}" for n in range(1, 7)), *(f"guard{n}" for n in range(1, 5)),
                                "volunteer1"}
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {"administrator", "street_office", "community_leader", "committee_member", "office_staff",
                     "grid_worker", "guard", "volunteer"}
    assert User.objects.get(username="grid1").check_password("fangkong2020")
