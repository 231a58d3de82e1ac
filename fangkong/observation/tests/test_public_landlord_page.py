"""The landlord's public page and the printed link card as a landlord meets them: the work-resumption
sentence read against today, the "someone new" block folded away until used, and a rejected report's reason.

Pages are asked for in English (Accept-Language) so the words on them are the msgids."""

from __future__ import annotations

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.test import Client

from fangkong.core.dates import local_today
from fangkong.core.identifiers import id_check_char
from fangkong.observation.models import ReportLink, ReturneeReport
from fangkong.observation.returnees import ReportData, link_issue, report_by_link, report_reject
from fangkong.policy.selectors import policy_cache_clear
from fangkong.policy.services import policy_set
from fangkong.registry.models import Tenancy
from fangkong.registry.services import household_create

FIRST17 = "42010119900307123"
NEW_ID = FIRST17 + id_check_char(FIRST17)


def _html(response) -> str:
    return response.content.decode()


def _csrf_post(c: Client, url: str, data: dict):
    c.get(url)
    return c.post(url, {**data, "csrfmiddlewaretoken": c.cookies["csrftoken"].value})


def _notice(page: str) -> str:
    return re.search(r'<p class="card public-notice">(.*?)</p>', page, re.S).group(1)


def _someone_new(page: str) -> re.Match:
    return re.search(r'<details class="new-person[^"]*" id="someone-new"( open)?>', page)


@pytest.fixture
def letting(places, personas, make_person):
    grid1 = places["grid1"]
    landlord = make_person(grid1, name="王房东")
    home = household_create(actor=personas["admin"], community=places["home"], grid=grid1, building_name="9号楼",
                            unit="1单元", room="101")
    tenant = make_person(grid1, name="赵租客", household=home, landlord=landlord, relation="tenant",
                         category="tenant")
    link, token = link_issue(actor=personas["office"], person=landlord, kind=ReportLink.Kind.LANDLORD)
    return SimpleNamespace(landlord=landlord, home=home, tenant=tenant, link=link, url=f"/r/{token}/")


def _resumes(personas, places, day: date) -> None:
    policy_set(actor=personas["admin"], key="work_resumption_date", value=day.isoformat(),
               community=places["home"], effective_from=local_today() - timedelta(days=30))
    policy_cache_clear()


# --- the work-resumption sentence ----------------------------------------------------------------------


def test_work_that_resumes_later_is_announced_with_the_days_left(anonymous, personas, places, letting):
    day = local_today() + timedelta(days=14)
    _resumes(personas, places, day)
    notice = _notice(_html(anonymous().get(letting.url)))
    assert f"Work resumes on {day:%Y-%m-%d}, in 14 days." in notice
    assert "returning is discouraged" in notice and "resumed" not in notice


def test_work_that_resumes_tomorrow_or_today_says_so(anonymous, personas, places, letting):
    tomorrow = local_today() + timedelta(days=1)
    _resumes(personas, places, tomorrow)
    assert f"Work resumes tomorrow, {tomorrow:%Y-%m-%d}." in _notice(_html(anonymous().get(letting.url)))
    _resumes(personas, places, local_today())
    notice = _notice(_html(anonymous().get(letting.url)))
    assert "Work resumes today." in notice and "discouraged" not in notice


def test_work_that_resumed_is_told_in_the_past(anonymous, personas, places, letting):
    day = local_today() - timedelta(days=3)
    _resumes(personas, places, day)
    notice = _notice(_html(anonymous().get(letting.url)))
    assert f"Work resumed on {day:%Y-%m-%d}." in notice and "resumes" not in notice


def test_the_printed_card_reads_right_against_today(login, personas, places, letting):
    office = login("office")
    card = f"/observation/links/{letting.link.pk}/"
    ahead = local_today() + timedelta(days=10)
    _resumes(personas, places, ahead)
    sentence = re.search(r'<p class="work-resumption">([^<]*)</p>', _html(office.get(card))).group(1)
    assert sentence == f"Work resumes on {ahead:%Y-%m-%d}."
    past = local_today() - timedelta(days=10)
    _resumes(personas, places, past)
    sentence = re.search(r'<p class="work-resumption">([^<]*)</p>', _html(office.get(card))).group(1)
    assert sentence == f"Work resumed on {past:%Y-%m-%d}."


# --- someone new, folded away until used ---------------------------------------------------------------


def test_someone_new_is_folded_away_while_there_are_tenants_to_choose(anonymous, letting):
    page = _html(anonymous().get(letting.url))
    found = _someone_new(page)
    assert found and found.group(1) is None  # closed
    assert 'name="name"' in page and 'name="id_number"' in page  # still there, one tap away


def test_someone_new_is_open_when_it_is_the_only_choice(anonymous, letting):
    # The tenant moved out: the home stays the landlord's, and nobody is left to choose from the list.
    Tenancy.objects.filter(landlord=letting.landlord).update(end_date=local_today())
    page = _html(anonymous().get(letting.url))
    found = _someone_new(page)
    assert found and found.group(1) == " open"
    assert "No tenant is registered in your homes yet." in page


def test_someone_new_stays_open_when_used_with_a_mistake(anonymous, letting):
    r = _csrf_post(anonymous(), letting.url, {
        "tenant": "new", "name": "李四光", "id_number": FIRST17 + next(c for c in "0123456789X" if c != NEW_ID[-1]),
        "household": letting.home.pk, "from_place": "湖北省武汉市", "arrival_date": local_today().isoformat(),
    })
    assert r.status_code == 422
    found = _someone_new(_html(r))
    assert found and found.group(1) == " open"


def test_filling_in_someone_new_is_choosing_them(anonymous, letting):
    r = _csrf_post(anonymous(), letting.url, {
        "name": "李四光", "id_number": NEW_ID, "phone": "13912345678", "household": letting.home.pk,
        "from_place": "湖北省武汉市", "arrival_date": local_today().isoformat(), "transport": "", "address": "",
    })
    assert r.status_code == 302, _html(r)[:2000]
    report = ReturneeReport.objects.get()
    assert (report.person, report.household, report.name) == (None, letting.home, "李四光")


def test_choosing_nobody_still_asks_who(anonymous, letting):
    r = _csrf_post(anonymous(), letting.url, {
        "household": letting.home.pk, "from_place": "湖北省武汉市", "arrival_date": local_today().isoformat(),
    })
    assert r.status_code == 422 and "Choose the tenant, or someone new" in _html(r)
    assert _someone_new(_html(r)).group(1) is None


# --- a rejected report tells the landlord why ----------------------------------------------------------


def test_a_rejected_report_shows_its_reason_to_the_landlord(anonymous, personas, letting):
    kept = report_by_link(link=letting.link, data=ReportData(
        from_place="山东省济南市", arrival_date=local_today(), person_id=letting.tenant.id))
    rejected = report_by_link(link=letting.link, data=ReportData(
        from_place="湖北省孝感市", arrival_date=local_today() - timedelta(days=1), person_id=letting.tenant.id))
    report_reject(actor=personas["office"], report=rejected, reason="重复上报，已合并")
    page = _html(anonymous().get(letting.url))
    items = re.findall(r"<li>(.*?)</li>", page.split("public-reports", 1)[1], re.S)
    assert len(items) == 2
    by_place = {("湖北省孝感市" in li): li for li in items}
    assert 'class="status-rejected"' in by_place[True] and "Reason: 重复上报，已合并" in by_place[True]
    assert "Reason" not in by_place[False] and kept.status == "pending"
