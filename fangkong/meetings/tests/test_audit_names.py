from datetime import timedelta

import pytest
from django.utils import timezone, translation

from fangkong.accounts.audit_names import names_of, type_label
from fangkong.core.dates import local_today
from fangkong.meetings import services

pytestmark = pytest.mark.django_db


def test_meetings_objects_are_named_in_the_audit_log(places, personas):
    leader, home = personas["leader"], places["home"]
    day = local_today() - timedelta(days=1)
    b = services.briefing_get_or_generate(actor=leader, community=home, day=day, kind="morning")
    item = services.action_add(actor=leader, briefing=b, text="东门加派志愿者")
    meeting = services.meeting_create(actor=leader, community=home, kind="other", title="部署会",
                                      held_at=timezone.now())
    version = services.plan_version_add(actor=leader, community=home, kind="work", body="方案", title="工作方案")
    names = names_of([("briefing", str(b.pk)), ("action_item", str(item.pk)), ("meeting", str(meeting.pk)),
                      ("plan_version", str(version.pk))])
    assert names[("briefing", str(b.pk))].text.startswith("一号社区 · ")
    assert names[("action_item", str(item.pk))].text == "东门加派志愿者"
    assert names[("meeting", str(meeting.pk))].url.endswith(f"/meetings/{meeting.pk}/")
    assert names[("plan_version", str(version.pk))].text == "工作方案 v1"
    with translation.override("en"):
        assert type_label("plan_version") == "plan version"
    assert type_label("plan_version") == "方案版本"  # the default language
