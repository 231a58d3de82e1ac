"""What the ledgers' sources share: the range as local days, identifiers masked unless revealed, names of
users, ages, the key-area classes, and the Chinese words the forms use for the system's codes.

The cells are Chinese whatever the reader's language: the ledgers are the forms of ../shared/forms.md, and
their values (是/否 aside, which the writer writes) are written here once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import models
from django.utils import timezone

from fangkong.core import crypto
from fangkong.ledgers.spec import Column, ExportContext, Kind
from fangkong.policy.selectors import policy_values_cached
from fangkong.registry.models import Person

SEX = {"M": "男", "F": "女"}
CATEGORY = {"registered": "本社区户籍居民", "unregistered": "本社区居住(非户籍)", "floating": "流动人员",
            "tenant": "租住人员"}
OBSERVATION_KIND = {"home": "居家", "centralised": "集中"}
MEASURE = {"home": "居家隔离医学观察", "centralised": "集中隔离医学观察"}
OBSERVATION_STATUS = {"active": "观察中", "completed": "已解除", "transferred": "转送医院", "ended_early": "提前解除"}
CONTACT = {"confirmed": "接触确诊病例", "suspected": "接触疑似病例"}
DECISION = {"allow": "放行", "deny": "拒绝"}
DIRECTION = {"in": "进", "out": "出"}


def local_bounds(ctx: ExportContext) -> tuple[datetime, datetime]:
    """[start, end) of the range's local days (Asia/Shanghai): a time column is filtered with these, so
    its index serves the filter (a `__date` lookup would wrap the column in a function)."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(ctx.date_from, time.min), tz)
    end = timezone.make_aware(datetime.combine(ctx.date_to + timedelta(days=1), time.min), tz)
    return start, end


def community_ids(ctx: ExportContext) -> list[int]:
    return [c.pk for c in ctx.communities]


def days(ctx: ExportContext) -> Iterable[date]:
    day = ctx.date_from
    while day <= ctx.date_to:
        yield day
        day += timedelta(days=1)


def identifier(ctx: ExportContext, model: type[models.Model], kind: str, *, sealed: str, row_key, masked: str) -> str:
    """The masked value, or — only for a reader who may reveal it — the clear one, opened here and nowhere
    else (the export that calls this is audited with its masked/unmasked state)."""
    reveal = ctx.reveal_id if kind == "id" else ctx.reveal_phone
    if not reveal or not sealed:
        return masked
    field = "id_number_encrypted" if kind == "id" else "phone_encrypted"
    return crypto.decrypt(sealed, crypto.binding(model, field, row_key))


# Who the row is about, the first columns after 序号 of every person-level ledger (forms.md §1, §3, §4a).
IDENTITY_COLUMNS = (
    Column("name", "姓名", width=10),
    Column("sex", "性别", width=5),
    Column("age", "年龄", kind=Kind.NUMBER, width=5),
    Column("id_number", "身份证号码", kind=Kind.ID),
    Column("phone", "联系电话", kind=Kind.PHONE),
)
# The values those columns read, through the row's `person` relation.
PERSON_FIELDS = ("person__name", "person__sex", "person__birth_date", "person__row_key",
                 "person__id_number_encrypted", "person__id_number_masked", "person__phone_encrypted",
                 "person__phone_masked")


def identity_cells(ctx: ExportContext, r: dict) -> dict:
    """The IDENTITY_COLUMNS of a row read with PERSON_FIELDS: ID number and phone masked unless revealed."""
    return {
        "name": r["person__name"],
        "sex": SEX.get(r["person__sex"], ""),
        "age": age(r["person__birth_date"], ctx.date_to),
        "id_number": identifier(ctx, Person, "id", sealed=r["person__id_number_encrypted"],
                                row_key=r["person__row_key"], masked=r["person__id_number_masked"]),
        "phone": identifier(ctx, Person, "phone", sealed=r["person__phone_encrypted"],
                            row_key=r["person__row_key"], masked=r["person__phone_masked"]),
    }


def user_name(display_name: str | None, username: str | None) -> str:
    return display_name or username or ""


def age(birth_date: date | None, on: date) -> int | None:
    if birth_date is None:
        return None
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def local_date(at: datetime | None) -> date | None:
    return timezone.localdate(at) if at is not None else None


def key_areas(community_id: int, on: date) -> list[str]:
    return list(policy_values_cached(community_id=community_id, on=on)["key_areas"])


def key_area_class(place: str) -> str:
    """The class of the period's forms (forms.md §3 b): 武汉, 湖北其他, or 其他重点地区."""
    if "武汉" in place:
        return "武汉"
    if "湖北" in place:
        return "湖北其他"
    return "其他重点地区"


_SUFFIX = re.compile(r"(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|地区|省|市)$")
_PROVINCE = re.compile(r"^.+?(?:省|自治区)(?=.)")


def area_name(area: str) -> str:
    """An area as a title names it: its most specific part without the suffix (湖北省 → 湖北,
    浙江省温州市 → 温州)."""
    name = _PROVINCE.sub("", re.sub(r"\s+", "", area))
    return _SUFFIX.sub("", name) or name


def areas_text(areas: list[str]) -> str:
    """"湖北" for ["湖北省"], "湖北、温州" for two."""
    return "、".join(n for n in (area_name(a) for a in areas) if n)
