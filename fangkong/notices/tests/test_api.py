import pytest

from fangkong.notices import services
from fangkong.notices.models import Message


@pytest.fixture
def notices(personas, places):
    n = services.notice_save(actor=personas["office"], community=places["home"], kind="policy", title="封闭管理通知",
                             body="小区实行封闭管理")
    services.notice_publish(actor=personas["office"], notice=n)
    services.notice_save(actor=personas["admin"], community=places["far"], kind="policy", title="九号社区", body="x")
    return n


def test_notice_list_shape_and_scope(notices, api_client):
    r = api_client("office").get("/api/v1/notices")
    assert r.status_code == 200
    body = r.json()
    assert [n["title"] for n in body] == ["封闭管理通知"]
    assert set(body[0]) == {"id", "community", "kind", "title", "body", "published_at"}
    assert body[0]["community"] == "C1" and body[0]["published_at"]
    assert api_client("office").get("/api/v1/notices?community=C9").status_code == 404
    assert api_client("admin").get("/api/v1/notices?community=C9").json()[0]["title"] == "九号社区"
    assert api_client("guard").get("/api/v1/notices").status_code in (200, 403)


def test_message_create(personas, places, api_client, receiver, django_capture_on_commit_callbacks):
    services.channel_save(actor=personas["office"], community=places["home"], kind="webhook", name="居民群",
                          url=receiver["url"])
    with django_capture_on_commit_callbacks(execute=True):
        r = api_client("office").post("/api/v1/messages", {"channel": "居民群", "text": "今晚消杀"},
                                      content_type="application/json")
    assert r.status_code == 201, r.content
    assert set(r.json()) == {"id", "status"} and r.json()["status"] in ("queued", "sent")
    assert Message.objects.get(pk=r.json()["id"]).status == Message.Status.SENT
    assert len(receiver["bodies"]) == 1


def test_message_create_refusals(personas, places, api_client):
    services.channel_save(actor=personas["office"], community=places["home"], kind="email", name="邮件")
    c = api_client("office")
    post = lambda body, who=c: who.post("/api/v1/messages", body, content_type="application/json")  # noqa: E731
    assert post({"community": "C9", "channel": "邮件", "text": "x"}).status_code == 404
    assert post({"channel": "没有", "text": "x"}).status_code == 400
    r = post({"channel": "邮件", "text": "x", "recipients": ["bad"]})
    assert r.status_code == 400
    assert post({"channel": "邮件", "text": "x"}, api_client("guard")).status_code == 403
    assert post({"channel": "邮件", "text": "x"}, api_client("admin")).status_code == 400  # which community?
    assert not Message.objects.exists()
