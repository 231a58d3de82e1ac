"""The meetings pages: who sees what, forms that work without JavaScript, the htmx swaps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.core.dates import local_today
from fangkong.meetings import selectors
from fangkong.meetings.models import ActionItem, Briefing, PlanVersion

pytestmark = pytest.mark.django_db


def test_briefings_page_generates_the_day_and_links_the_facts(login, places):
    r = login("leader").get(reverse("meetings:briefings"))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="briefing-morning"' in html and 'id="briefing-evening"' in html
    assert reverse("observation:alert_list") in html and "minutes-form" in html
    assert Briefing.objects.filter(community=places["home"], date=local_today()).count() == 2
    # The street office reads, with its communities to choose from, and cannot edit
    r = login("street").get(reverse("meetings:briefings") + "?community=C2")
    assert r.status_code == 200 and "minutes-form" not in r.content.decode() and "二号社区" in r.content.decode()
    assert login("outsider").get(reverse("meetings:briefings") + "?community=C1").status_code == 404
    assert login("guard").get(reverse("meetings:briefings")).status_code == 403


def test_minutes_action_add_and_tick_without_js(login, places, personas):
    leader = login("leader")
    leader.get(reverse("meetings:briefings"))
    b = Briefing.objects.get(community=places["home"], date=local_today(), kind="morning")
    r = leader.post(reverse("meetings:briefing_minutes", args=[b.pk]), {"minutes": "一、东门人手不足"})
    assert r.status_code == 302
    b.refresh_from_db()
    assert b.minutes == "一、东门人手不足" and b.minutes_by == personas["leader"]
    r = leader.post(reverse("meetings:briefing_action_add", args=[b.pk]),
                    {"text": "东门加派志愿者", "owner": "grid1", "due": str(local_today())})
    assert r.status_code == 302
    item = ActionItem.objects.get(briefing=b)
    assert item.owner == personas["grid1"]
    # A wrong owner: a message, nothing added
    r = leader.post(reverse("meetings:briefing_action_add", args=[b.pk]), {"text": "x", "owner": "outsider"},
                    follow=True)
    assert "No such user in this community" in r.content.decode() and ActionItem.objects.count() == 1
    # The owner ticks it from the list of open actions; grid2 may not
    assert login("grid2").post(reverse("meetings:action_done", args=[item.pk])).status_code == 403
    r = login("grid1").post(reverse("meetings:action_done", args=[item.pk]), {"next": reverse("meetings:actions")})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.done and item.done_by == personas["grid1"]
    assert login("street").post(reverse("meetings:briefing_minutes", args=[b.pk]), {"minutes": "x"}).status_code == 403


def test_htmx_add_swaps_the_actions_block(login, places):
    leader = login("leader")
    page = reverse("meetings:briefings")
    leader.get(page)
    b = Briefing.objects.get(community=places["home"], date=local_today(), kind="evening")
    r = leader.post(reverse("meetings:briefing_action_add", args=[b.pk]), {"text": "消毒"}, follow=True,
                    HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and 'id="actions-evening"' in r.content.decode() and "消毒" in r.content.decode()


def test_print_view(login, places):
    leader = login("leader")
    leader.get(reverse("meetings:briefings"))
    b = Briefing.objects.get(community=places["home"], date=local_today(), kind="morning")
    r = leader.get(reverse("meetings:briefing_print", args=[b.pk]))
    assert r.status_code == 200 and 'id="briefing-print"' in r.content.decode()
    assert login("outsider").get(reverse("meetings:briefing_print", args=[b.pk])).status_code == 404


def test_actions_page_mine_first(login, places, personas):
    ActionItem.objects.create(community=places["home"], text="别人的", due=local_today() - timedelta(days=5))
    ActionItem.objects.create(community=places["home"], text="我的", owner=personas["office"])
    html = login("office").get(reverse("meetings:actions")).content.decode()
    assert html.index("我的") < html.index("别人的") and "overdue" in html
    assert "我的" not in login("outsider").get(reverse("meetings:actions")).content.decode()


def test_meeting_pages(login, places, personas, make_person):
    from fangkong.registry.models import Tenancy

    landlord, tenant = make_person(places["grid1"], name="房东甲"), make_person(places["grid1"], name="租户")
    Tenancy.objects.create(community=places["home"], landlord=landlord, tenant=tenant, household=tenant.household,
                           start_date=local_today() - timedelta(days=100))
    leader = login("leader")
    assert leader.get(reverse("meetings:meeting_new")).status_code == 200
    held = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    r = leader.post(reverse("meetings:meeting_new"),
                    {"community": "C1", "kind": "landlords", "title": "房东防疫动员大会", "held_at": held})
    assert r.status_code == 302, r.content
    detail = r.url
    html = leader.get(detail).content.decode()
    assert "房东甲" in html and "attendance" in html
    meeting_id = int(detail.rstrip("/").split("/")[-1])
    row = selectors.absent_landlords(actor=personas["leader"]).get()
    assert "房东甲" in login("street").get(reverse("meetings:absent_landlords")).content.decode()
    r = leader.post(reverse("meetings:attendance_follow_up", args=[row.pk]), {"note": "电话通知"})
    assert r.status_code == 302
    assert f'data-attendance="{row.pk}"' not in leader.get(reverse("meetings:absent_landlords")).content.decode()
    r = leader.post(reverse("meetings:attendance_mark", args=[row.pk]), {"present": "1"})
    row.refresh_from_db()
    assert r.status_code == 302 and row.present
    r = leader.post(detail, {"agenda": "议程", "decisions": "决定", "minutes": "纪要"})
    assert r.status_code == 302
    assert "决定" in login("street").get(detail).content.decode()
    assert login("street").post(detail, {"decisions": "x"}).status_code == 403
    assert login("outsider").get(detail).status_code == 404
    r = leader.post(reverse("meetings:meeting_action_add", args=[meeting_id]), {"text": "入户通知缺席房东"})
    assert r.status_code == 302 and ActionItem.objects.filter(meeting_id=meeting_id).count() == 1
    assert "房东防疫动员大会" in login("grid1").get(reverse("meetings:meeting_list")).content.decode()


def test_plan_pages(login, places, personas):
    leader = login("leader")
    r = leader.post(reverse("meetings:plans"), {"community": "C1", "kind": "work", "body": "第一版", "note": "初稿"})
    assert r.status_code == 302
    v1 = PlanVersion.objects.get()
    r = leader.post(reverse("meetings:plan_detail", args=[v1.plan_id]),
                    {"kind": "work", "body": "第二版", "note": "修订"})
    assert r.status_code == 302
    versions = list(PlanVersion.objects.order_by("version").values_list("version", "body"))
    assert versions == [(1, "第一版"), (2, "第二版")]
    html = login("street").get(reverse("meetings:plan_detail", args=[v1.plan_id]) + "?v=1").content.decode()
    assert "第一版" in html and 'data-version="2"' in html
    assert login("street").post(reverse("meetings:plan_detail", args=[v1.plan_id]), {"body": "x"}).status_code == 403
    assert login("outsider").get(reverse("meetings:plan_detail", args=[v1.plan_id])).status_code == 404
    r = leader.post(reverse("meetings:plan_detail", args=[v1.plan_id]), {"kind": "work", "body": ""})
    assert r.status_code == 422 and PlanVersion.objects.count() == 2
