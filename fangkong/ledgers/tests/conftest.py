"""Ledgers built in the tests (the real six live in ledgers/sources, written apart): a community
ledger of people with grouped headers, ID numbers and phones, and a street roll-up of counts."""

from __future__ import annotations

import pytest

from fangkong.accounts.roles import Perm
from fangkong.ledgers import sources
from fangkong.ledgers.spec import REMARKS, SERIAL, Column, ExportContext, Kind, LedgerSpec, Level


def _people(ctx: ExportContext):
    from fangkong.registry.models import Person

    return Person.objects.filter(community__in=ctx.communities).order_by("pk")


def people_rows(ctx: ExportContext):
    for person in _people(ctx).iterator(chunk_size=500):
        yield {
            "name": person.name,
            "id_number": person.id_number if ctx.reveal_id else person.id_number_masked,
            "phone": person.phone if ctx.reveal_phone else person.phone_masked,
            "registered": person.category == "registered",
            "since": person.retain_until,
            "remarks": "",
        }


PEOPLE = LedgerSpec(
    key="returnees", title="返回湖北人员摸排登记台账", perm=Perm.VIEW_REGISTRY, level=Level.COMMUNITY,
    columns=(SERIAL, Column("name", "姓名"), Column("id_number", "身份证号码", kind=Kind.ID),
             Column("phone", "联系电话", kind=Kind.PHONE),
             Column("registered", "是否户籍", group="人员情况", kind=Kind.FLAG),
             Column("since", "保留至", group="人员情况", kind=Kind.DATE), REMARKS),
    rows=people_rows, count=lambda ctx: _people(ctx).count(),
)


def rollup_rows(ctx: ExportContext):
    from fangkong.registry.models import Person

    for community in ctx.communities:
        yield {"community": community.name, "people": Person.objects.filter(community=community).count()}


ROLLUP = LedgerSpec(
    key="daily_report", title="防控日报告表", perm=Perm.VIEW_REPORTS, level=Level.STREET,
    columns=(SERIAL, Column("community", "社区"), Column("people", "人数", kind=Kind.NUMBER), REMARKS),
    rows=rollup_rows, count=lambda ctx: len(ctx.communities),
)


@pytest.fixture
def specs(monkeypatch):
    monkeypatch.setitem(sources.SPECS, "returnees", PEOPLE)
    monkeypatch.setitem(sources.SPECS, "daily_report", ROLLUP)
    return {"returnees": PEOPLE, "daily_report": ROLLUP}


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path
