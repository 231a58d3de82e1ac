import pytest
from django.core.cache import cache
from django.test import Client

from fangkong.notices import services
from fangkong.notices.views import public


@pytest.fixture
def notices(personas, places):
    office = personas["office"]
    shown = services.notice_save(actor=office, community=places["home"], kind="policy", title="严禁上山 护林防火",
                                 body="为做好森林防火工作，即日起严禁上山。")
    services.notice_publish(actor=office, notice=shown)
    draft = services.notice_save(actor=office, community=places["home"], kind="practical", title="草稿通知",
                                 body="尚未发布")
    other = services.notice_save(actor=personas["admin"], community=places["neighbour"], kind="practical",
                                 title="二号社区的通知", body="x")
    services.notice_publish(actor=personas["admin"], notice=other)
    return {"shown": shown, "draft": draft, "other": other}


def test_home_shows_only_this_communitys_published_notices(notices):
    cache.clear()
    r = Client().get("/c/C1/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "严禁上山 护林防火" in html and "草稿通知" not in html and "二号社区的通知" not in html
    assert r["X-Robots-Tag"] == "noindex"


def test_notice_page_and_refusals(notices):
    cache.clear()
    c = Client()
    assert "即日起严禁上山" in c.get(f"/c/C1/notices/{notices['shown'].pk}/").content.decode()
    assert c.get(f"/c/C1/notices/{notices['draft'].pk}/").status_code == 404  # a draft is not public
    assert c.get(f"/c/C1/notices/{notices['other'].pk}/").status_code == 404  # another community's
    assert c.get("/c/NOPE/").status_code == 404
    assert c.post("/c/C1/").status_code == 405


def test_public_pages_are_rate_limited(notices, monkeypatch):
    cache.clear()
    monkeypatch.setattr(public, "READS_PER_HOUR", 3)
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert [c.get("/c/C1/").status_code for _ in range(3)] == [200, 200, 200]
    r = c.get("/c/C1/")
    assert r.status_code == 429 and "Too many requests" in r.content.decode()
    cache.clear()


def test_home_links_other_public_pages_only_when_mounted(notices):
    cache.clear()
    html = Client().get("/c/C1/").content.decode()
    # The sign-up, request and thank-you pages are other apps'; until mounted the page still works.
    assert "/c/C1/" in html
