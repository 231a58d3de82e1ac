
from fangkong.notices import services
from fangkong.notices.models import Channel, Message, Notice, Posting


def test_office_writes_publishes_and_records_a_posting(personas, places, login):
    c = login("office")
    r = c.post("/notices/", {"community": places["home"].pk, "kind": "practical", "title": "蔬菜店营业时间",
                             "body": "每日8点至18点"})
    assert r.status_code == 302
    notice = Notice.objects.get()
    assert notice.published_at is None and notice.author == personas["office"]
    c.post(f"/notices/{notice.pk}/", {"action": "publish"})
    notice.refresh_from_db()
    assert notice.published_at
    r = c.post(f"/notices/{notice.pk}/", {"action": "posting", "place": "1号楼单元门", "posted_at": "2020-02-10T09:00",
                                          "posted_by": "张三", "copies": "12"})
    assert r.status_code == 302
    assert Posting.objects.get().copies == 12
    page = c.get("/notices/").content.decode()
    assert "蔬菜店营业时间" in page
    assert c.post(f"/notices/{notice.pk}/", {"action": "posting", "place": "", "copies": "0"}).status_code == 422


def test_notice_of_another_community_is_404(personas, places, login):
    n = services.notice_save(actor=personas["admin"], community=places["far"], kind="policy", title="t", body="b")
    assert login("office").get(f"/notices/{n.pk}/").status_code == 404
    assert login("guard").get("/notices/").status_code in (200, 403)


def test_channels_and_messages_pages(personas, places, login, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    c = login("office")
    r = c.post("/notices/channels/", {"community": places["home"].pk, "kind": "email", "name": "邮件"})
    assert r.status_code == 302
    assert c.post("/notices/channels/", {"community": places["home"].pk, "kind": "webhook", "name": "群",
                                         "url": ""}).status_code == 422
    channel = Channel.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post("/notices/messages/", {"channel": channel.pk, "text": "通知", "recipients": "a@example.org"})
    assert r.status_code == 302
    assert Message.objects.get().status == Message.Status.SENT
    html = c.get("/notices/messages/").content.decode()
    assert 'data-status="sent"' in html
    assert c.get("/notices/messages/?status=failed").status_code == 200
    assert login("guard").get("/notices/messages/").status_code == 403
