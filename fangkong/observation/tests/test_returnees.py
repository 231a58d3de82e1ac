"""Returnee reports through a landlord's link, and the office's decision with the policy on observation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from fangkong.core.errors import FieldError
from fangkong.core.identifiers import id_check_char
from fangkong.observation.models import Observation, ReportLink, ReturneeReport
from fangkong.observation.returnees import (
    ReportData,
    link_issue,
    link_resolve,
    link_revoke,
    report_by_link,
    report_confirm,
    report_reject,
)
from fangkong.policy.selectors import policy_cache_clear
from fangkong.policy.services import policy_set
from fangkong.registry.models import Person, Tenancy
from fangkong.registry.validation import ValidationErrors
from fangkong.screening.models import TravelRecord


def _id(n: int) -> str:
    first17 = f"42090219900101{n:03d}"
    return first17 + id_check_char(first17)


@pytest.fixture
def landlord(personas, places, make_person):
    owner = make_person(places["grid1"], name="房东")
    tenant = make_person(places["grid1"], name="租户甲", category="tenant", landlord=owner,
                         relation="tenant")
    return {"owner": owner, "tenant": tenant, "home": tenant.household}


def _link(personas, landlord):
    return link_issue(actor=personas["office"], person=landlord["owner"], kind="landlord")


def test_a_landlord_reports_a_new_tenant_and_the_office_confirms(personas, landlord):
    link, token = _link(personas, landlord)
    assert link_resolve(token) == link and token not in link.token_hash
    today = timezone.localdate()
    report = report_by_link(link=link, data=ReportData(
        from_place="湖北省孝感市", arrival_date=today - timedelta(days=1), transport="G1234", name="新租户",
        id_number=_id(1), phone="13800138000", household_id=landlord["home"].id))
    assert report.status == "pending" and report.person is None and report.id_number_masked.count("*") == 10
    assert report.phone_masked == "138****8000"
    confirmed = report_confirm(actor=personas["office"], report=report)
    person = confirmed.person
    assert person.household_id == landlord["home"].id and person.category == "floating"
    assert Tenancy.objects.filter(tenant=person, landlord=landlord["owner"]).exists()
    assert TravelRecord.objects.filter(person=person, place="湖北省孝感市", source="returnee").exists()
    obs = confirmed.observation
    assert obs.status == "active" and obs.start == today - timedelta(days=1)
    assert obs.planned_end == obs.start + timedelta(days=14)


def test_landlords_report_only_their_own_tenants_and_homes(personas, landlord, places, make_person):
    link, _token = _link(personas, landlord)
    stranger = make_person(places["grid1"])
    with pytest.raises(ValidationErrors) as e:
        report_by_link(link=link, data=ReportData(from_place="湖北省", arrival_date=timezone.localdate(),
                                                  person_id=stranger.id))
    assert e.value.errors[0].code == "not_your_tenant"
    with pytest.raises(ValidationErrors) as e:
        report_by_link(link=link, data=ReportData(from_place="湖北省", arrival_date=timezone.localdate(),
                                                  name="某人", id_number=_id(2), household_id=stranger.household_id))
    assert "not_your_home" in [x.code for x in e.value.errors]
    assert not ReturneeReport.objects.exists()


@pytest.mark.parametrize(("mode", "place", "observed"), [
    ("key_areas", "湖北省武汉市", True), ("key_areas", "山东省济南市", False),
    ("all", "山东省济南市", True), ("none", "湖北省武汉市", False),
])
def test_policy_decides_who_starts_observation(personas, landlord, places, mode, place, observed):
    if mode != "key_areas":
        policy_set(actor=personas["leader"], key="returnee_observation", value=mode, community=places["home"],
                   effective_from=date(2020, 1, 1))
        policy_cache_clear()
    link, _token = _link(personas, landlord)
    report = report_by_link(link=link, data=ReportData(from_place=place, arrival_date=timezone.localdate(),
                                                       person_id=landlord["tenant"].id))
    confirmed = report_confirm(actor=personas["office"], report=report)
    assert (confirmed.observation is not None) is observed
    assert Observation.objects.filter(person=landlord["tenant"], status="active").exists() is observed


def test_rejection_needs_a_reason_and_decisions_are_final(personas, landlord):
    link, _token = _link(personas, landlord)
    report = report_by_link(link=link, data=ReportData(from_place="湖北省", arrival_date=timezone.localdate(),
                                                       person_id=landlord["tenant"].id))
    with pytest.raises(FieldError):
        report_reject(actor=personas["office"], report=report, reason="  ")
    report_reject(actor=personas["office"], report=report, reason="经核实未离开本市")
    with pytest.raises(FieldError) as e:
        report_confirm(actor=personas["office"], report=report)
    assert e.value.code == "already_decided"
    assert not Observation.objects.exists()


def test_revoked_expired_and_unknown_links_resolve_to_nothing(personas, landlord):
    _first, token = _link(personas, landlord)
    _newer, newer_token = _link(personas, landlord)
    assert link_resolve(token) is None  # a new link replaces the old one
    assert link_resolve(newer_token) is not None
    ReportLink.objects.filter(pk=_newer.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    assert link_resolve(newer_token) is None
    _third, third_token = _link(personas, landlord)
    link_revoke(actor=personas["office"], link=_third)
    assert link_resolve(third_token) is None
    assert link_resolve("not-a-token") is None and link_resolve("") is None


def test_only_landlords_get_landlord_links(personas, places, make_person):
    with pytest.raises(FieldError) as e:
        link_issue(actor=personas["office"], person=make_person(places["grid1"]), kind="landlord")
    assert e.value.code == "not_a_landlord"


def test_a_link_cannot_put_a_registered_neighbour_under_observation(personas, landlord, places, make_person):
    link, _token = _link(personas, landlord)
    neighbour = make_person(places["grid2"], name="邻居")
    report = report_by_link(link=link, data=ReportData(
        from_place="湖北省", arrival_date=timezone.localdate(), name="假名字", id_number=neighbour.id_number,
        household_id=landlord["home"].id))
    assert report.person is None
    with pytest.raises(FieldError) as e:
        report_confirm(actor=personas["office"], report=report)
    assert e.value.code == "id_number_registered"
    assert not Observation.objects.filter(person=neighbour).exists()
    assert Person.objects.by_id_number(neighbour.id_number).count() == 1


def test_a_new_tenant_in_an_empty_home_is_the_reporting_landlords_tenant(personas, landlord, places):
    from fangkong.registry.services import household_create, person_move

    elsewhere = household_create(actor=personas["admin"], community=places["home"], grid=places["grid1"],
                                 building_name="9号楼", unit="1单元", room="901")
    person_move(actor=personas["office"], person=landlord["tenant"], household=elsewhere, relation="head")
    assert not Tenancy.objects.filter(household=landlord["home"], end_date__isnull=True).exists()
    link, _token = _link(personas, landlord)
    report = report_by_link(link=link, data=ReportData(from_place="山东省济南市", arrival_date=timezone.localdate(),
                                                       name="新租户", id_number=_id(3),
                                                       household_id=landlord["home"].id))
    person = report_confirm(actor=personas["office"], report=report).person
    assert person.category == "floating"
    assert Tenancy.objects.get(tenant=person, end_date__isnull=True).landlord == landlord["owner"]


def test_a_resident_reports_their_own_return(personas, places, make_person):
    resident = make_person(places["grid2"], name="居民本人")
    link, token = link_issue(actor=personas["office"], person=resident, kind="resident")
    report = report_by_link(link=link_resolve(token), data=ReportData(from_place="湖北省十堰市",
                                                                       arrival_date=timezone.localdate()))
    assert report.person == resident and report.via == "self"
    with pytest.raises(ValidationErrors) as e:
        report_by_link(link=link, data=ReportData(from_place="湖北省", arrival_date=timezone.localdate()
                                                  + timedelta(days=31)))
    assert e.value.errors[0].field == "arrival_date"
