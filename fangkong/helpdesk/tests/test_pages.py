"""The resident's public request page and follow link, and the office's pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from fangkong.helpdesk import services
from fangkong.helpdesk.models import Request

pytestmark = pytest.mark.urls("fangkong.helpdesk.tests.urls")

PHONE = "13912345678"


@pytest.fixture(autouse=True)
def _fresh_budget(db):
    cache.clear()  # the per-client budget lives in the cache
    yield
    cache.clear()


def _csrf_post(client, url, data):
    client.get(url)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def test_public_request_filed_followed_and_answered(places, personas, anonymous, login):
    resident = anonymous()
    url = reverse("helpdesk_public:new", args=["C1"])
    assert url == "/c/C1/request/"
    r = _csrf_post(resident, url, {"kind": "request", "text": "楼下垃圾三天没人收了", "contact": PHONE})
    assert r.status_code == 302
    follow = r["Location"]
    assert follow.startswith("/c/C1/request/") and follow.endswith("?new=1")
    req = Request.objects.get()
    assert req.channel == "public" and req.received_by is None and req.token_hash
    assert req.phone_masked and req.phone_masked != PHONE and PHONE not in req.phone_encrypted
    token = follow.split("/")[4]
    assert token not in req.token_hash  # only the keyed hash is stored

    page = resident.get(follow)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert "楼下垃圾三天没人收了" in html and PHONE not in html and req.phone_masked not in html

    office = login("office")
    r = office.post(reverse("helpdesk:detail", args=[req.pk]), {"step": "answer", "text": "已通知物业今天清运"})
    assert r.status_code == 302
    html = resident.get(follow).content.decode()
    assert "已通知物业今天清运" in html
    office.post(reverse("helpdesk:detail", args=[req.pk]), {"step": "close", "text": "垃圾已清运，谢谢反映"})
    html = resident.get(follow).content.decode()
    assert "垃圾已清运，谢谢反映" in html
    req.refresh_from_db()
    assert req.status == "closed" and req.answered_by == personas["office"] and req.closed_by == personas["office"]


def test_follow_link_unknown_or_of_another_community(places, anonymous):
    req, token = services.request_file_public(community=places["home"], text="请问几点可以买菜")
    c = anonymous()
    assert c.get(f"/c/C1/request/{token}/").status_code == 200
    assert c.get(f"/c/C1/request/{token}x/").status_code == 404
    assert c.get(f"/c/C2/request/{token}/").status_code == 404
    assert c.get(f"/c/NOPE/request/{token}/").status_code == 404
    assert req.pk


@pytest.mark.parametrize(("data", "field"), [
    ({"kind": "request", "text": "短"}, "text"),
    ({"kind": "request", "text": ""}, "text"),
    ({"kind": "request", "text": "x" * 1001}, "text"),
    ({"kind": "request", "text": "一条正常的请求", "contact": "12345"}, "contact"),
    ({"kind": "spam", "text": "一条正常的请求"}, "kind"),
])
def test_public_form_refuses_bad_input(places, anonymous, data, field):
    c = anonymous(language="zh-hans")
    r = _csrf_post(c, "/c/C1/request/", data)
    assert r.status_code == 422
    assert f'class="error" data-field="{field}"' in r.content.decode()
    assert Request.objects.count() == 0


def test_public_form_is_rate_limited(places, anonymous):
    c = anonymous()
    for i in range(5):
        r = _csrf_post(c, "/c/C1/request/", {"kind": "message", "text": f"第{i}条留言内容"})
        assert r.status_code == 302
    r = _csrf_post(c, "/c/C1/request/", {"kind": "message", "text": "第六条留言内容"})
    assert r.status_code == 429 and 'id="rate-limited"' in r.content.decode()
    assert Request.objects.count() == 5


def test_public_form_needs_csrf_and_a_known_community(places, anonymous):
    c = anonymous()
    assert c.post("/c/C1/request/", {"kind": "message", "text": "没有令牌的提交"}).status_code == 403
    assert c.get("/c/NOPE/request/").status_code == 404
    assert c.get("/c/C1/request/").status_code == 200


def test_office_list_flags_overdue_and_logs_a_phone_call(places, personas, login):
    office = login("office")
    late = services.request_receive(actor=personas["office"], community=places["home"], channel="phone",
                                    text="电梯里没有消毒记录", received_at=timezone.now() - timedelta(hours=4))
    r = office.post(reverse("helpdesk:new"), {"community": "C1", "channel": "in_person", "kind": "complaint",
                                              "text": "邻居深夜聚会", "contact": PHONE})
    assert r.status_code == 302
    new = Request.objects.exclude(pk=late.pk).get()
    assert new.channel == "in_person" and new.received_by == personas["office"]
    html = office.get(reverse("helpdesk:list") + "?overdue=1").content.decode()
    assert f'data-request="{late.pk}"' in html and f'data-request="{new.pk}"' not in html
    detail = office.get(reverse("helpdesk:detail", args=[new.pk])).content.decode()
    assert PHONE not in detail and new.phone_masked in detail
    r = office.post(reverse("helpdesk:new"), {"community": "C1", "channel": "phone", "kind": "request", "text": "短"})
    assert r.status_code == 422


def test_office_pages_scope_and_permission(places, personas, login):
    req = services.request_receive(actor=personas["office"], community=places["home"], channel="phone",
                                   text="小区门口有人聚集")
    assert login("outsider").get(reverse("helpdesk:detail", args=[req.pk])).status_code == 404
    assert login("guard").get(reverse("helpdesk:list")).status_code == 403
    r = login("outsider").post(reverse("helpdesk:detail", args=[req.pk]), {"step": "answer", "text": "x"})
    assert r.status_code == 404
    req.refresh_from_db()
    assert req.answered_at is None
