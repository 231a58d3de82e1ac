"""Demo of residents' requests (第一时间回复、处置、反馈): a week of messages, requests, complaints and reports
by phone, chat, in person and on the public page, with their answer times — most answered on time, a few
late, some handled and closed with the outcome fed back, one unanswered and overdue now. Made through the
real services; the steps' times are then set back to when they happened in the story."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.helpdesk.models import Request
from fangkong.helpdesk.services import request_answer, request_close, request_handle, request_receive
from fangkong.registry.models import Community

# (kind, channel, text, answer, outcome or "" to leave it answered only)
STORIES = [
    ("request", "phone", "家里老人需要降压药，出不了门，能帮忙代买吗？", "已收到，网格员今天下午代购送上门。",
     "药已送到，老人确认收到。"),
    ("complaint", "chat", "3号楼楼道好几天没消毒了。", "已转物业，今天安排消毒。", "楼道已消毒并登记，谢谢反映。"),
    ("message", "in_person", "菜店几点开门？", "三家菜店每天7:00-19:00营业。", "已答复。"),
    ("report", "phone", "后山小路有人翻越护栏上山。", "已通知巡查队前往。", "巡查队已劝返，并加固了护栏。"),
    ("request", "public", "想报名志愿者，去哪里登记？", "可在社区公共页面报名，也可到居委会登记。", ""),
    ("complaint", "chat", "小区门口有人聚集聊天，不戴口罩。", "已请值班人员劝散。", "已劝散，门岗会加强提醒。"),
    ("request", "phone", "桶装水送不进来，怎么办？", "送水员凭蓝色通行证可送到楼下。", "已联系送水站，今天送达。"),
    ("message", "public", "感谢门岗的工作人员，辛苦了！", "谢谢您的支持！", ""),
    ("report", "in_person", "2号楼有住户从外地返回，没有登记。", "已请网格员核实登记。", "已登记并开始居家观察。"),
    ("request", "chat", "能不能多发几个口罩？家里没有了。", "社区今天下午在居委会发放。", "已领取。"),
    ("complaint", "phone", "垃圾桶满了没人清。", "已通知保洁。", "已清运并消毒。"),
    ("message", "public", "请问出入证丢了怎么补办？", "带身份证到居委会补办。", ""),
]


def load_helpdesk_demo(*, admin: User, community: Community) -> dict[str, int]:
    """A week of requests in `community`. Returns counts, for the demo summary and its test."""
    now = timezone.now()
    made = closed = 0
    for i, (kind, channel, text, answer, outcome) in enumerate(STORIES * 2):
        received = now - timedelta(days=7) + timedelta(hours=7 * i + 3)
        if received > now - timedelta(hours=4):
            break
        req = request_receive(actor=admin, community=community, channel=channel, kind=kind, text=text,
                              received_at=received)
        # Most answered well within the target, every fifth one late (past its target).
        target = (req.answer_due_at - req.received_at)
        delay = target + timedelta(minutes=20) if i % 5 == 4 else timedelta(minutes=5 + (i * 7) % 20)
        request_answer(actor=admin, pk=req.pk, text=answer)
        steps = {"answered_at": received + delay}
        if outcome and i % 3 != 2:
            request_handle(actor=admin, pk=req.pk, text=outcome)
            request_close(actor=admin, pk=req.pk, outcome=outcome)
            steps |= {"handled_at": received + delay + timedelta(hours=2),
                      "closed_at": received + delay + timedelta(hours=3)}
            closed += 1
        Request.objects.filter(pk=req.pk).update(**steps)
        made += 1
    # One waiting past its target now (three hours: beyond the day and the night target).
    request_receive(actor=admin, community=community, channel="phone", kind="request",
                    text="单元门禁坏了，晚上进不去楼。", received_at=now - timedelta(hours=3))
    # One just in, still within its target.
    request_receive(actor=admin, community=community, channel="chat", kind="message",
                    text="明天的核酸检测在哪里做？", received_at=now - timedelta(minutes=2))
    return {"requests": made + 2, "closed": closed, "overdue": 1}
