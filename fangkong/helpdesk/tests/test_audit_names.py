"""Each step of a request is in the audit log, named by the request (never the resident's phone)."""

from __future__ import annotations

from fangkong.accounts.audit_names import names_of
from fangkong.accounts.models import AuditEntry
from fangkong.helpdesk import services


def test_request_steps_are_audited_and_named(places, personas):
    office = personas["office"]
    req = services.request_receive(actor=office, community=places["home"], channel="phone", text="楼道灯坏了请修理",
                                   contact="13912345678")
    services.request_answer(actor=office, pk=req.pk, text="已报修")
    services.request_close(actor=office, pk=req.pk, outcome="已修好")
    steps = list(AuditEntry.objects.filter(object_type="request", object_id=str(req.pk))
                 .order_by("id").values_list("action", "fields"))
    assert steps == [("create", []), ("update", ["answer_text", "answered_at"]), ("update", ["closed_at", "outcome"])]
    named = names_of([("request", str(req.pk))])[("request", str(req.pk))]
    assert "楼道灯" in named.text and "13912345678" not in named.text and named.url.endswith(f"/{req.pk}/")
