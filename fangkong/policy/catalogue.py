"""The settings of the emergency that policy holds: each with its label, built-in default (DESIGN.md §4)
and the parser that validates a value before it is stored."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from fangkong.core.errors import Code, FieldError
from fangkong.policy.errors import PolicyCode

PASS_KINDS = ("resident", "temporary", "service", "vehicle")
# An offline gate device and an exit a quota governs: let it through and settle at upload (a second exit
# becomes a conflict for the office), or refuse it until the network is back.
OFFLINE_EXIT_MODES = ("allow_flag", "refuse")


def _int_range(lo: int, hi: int) -> Callable[[Any], int]:
    def parse(v: Any) -> int:
        try:
            n = int(v)
        except (TypeError, ValueError):
            raise FieldError("value", Code.NOT_INTEGER, _("Enter a whole number")) from None
        if not lo <= n <= hi:
            raise FieldError("value", Code.OUT_OF_RANGE,
                             _("Enter a number from %(lo)s to %(hi)s") % {"lo": lo, "hi": hi})
        return n
    return parse


def _temperature(v: Any) -> str:
    try:
        t = Decimal(str(v)).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise FieldError("value", Code.NOT_NUMBER, _("Enter a temperature such as 37.3")) from None
    if not Decimal("36.0") <= t <= Decimal("40.0"):
        raise FieldError("value", Code.OUT_OF_RANGE, _("A fever threshold lies between 36.0 and 40.0 °C"))
    return str(t)


def _comparison(v: Any) -> str:
    if v not in (">=", ">"):
        raise FieldError("value", Code.INVALID_CHOICE, _("Use >= or >"))
    return v


def _quota(v: Any) -> dict[str, int | None]:
    if not isinstance(v, dict) or set(v) - set(PASS_KINDS):
        message = _("Give exits per day for: %(kinds)s") % {"kinds": ", ".join(PASS_KINDS)}
        raise FieldError("value", PolicyCode.INVALID_QUOTA, message)
    out: dict[str, int | None] = {}
    for kind in PASS_KINDS:
        n = v.get(kind)
        out[kind] = None if n in (None, "") else _int_range(0, 50)(n)
    return out


def _kinds(v: Any) -> list[str]:
    if not isinstance(v, list) or set(v) - set(PASS_KINDS):
        raise FieldError("value", Code.INVALID_CHOICE, _("Choose among: %(kinds)s") % {"kinds": ", ".join(PASS_KINDS)})
    return sorted(set(v), key=PASS_KINDS.index)


def _areas(v: Any) -> list[str]:
    if isinstance(v, str):
        v = [a for a in re.split(r"[,，、\s]+", v) if a]
    if not isinstance(v, list) or not all(isinstance(a, str) and 0 < len(a) <= 32 for a in v):
        raise FieldError("value", PolicyCode.INVALID_AREAS, _("List provinces or cities separated by commas"))
    return v


def _date(v: Any) -> str:
    try:
        return date.fromisoformat(str(v)).isoformat()
    except ValueError:
        raise FieldError("value", Code.DATE_FORMAT, _("Dates are written 2020-02-24")) from None


def _time(v: Any) -> str:
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", str(v)):
        raise FieldError("value", Code.TIME_FORMAT, _("Times are written 16:00"))
    return str(v)


def _text(limit: int) -> Callable[[Any], str]:
    def parse(v: Any) -> str:
        text = str(v or "").strip()
        if not text or len(text) > limit:
            raise FieldError("value", Code.OUT_OF_RANGE,
                             _("Write from 1 to %(limit)s characters") % {"limit": limit})
        return text
    return parse


def _optional_date(v: Any) -> str:
    return "" if v in (None, "") else _date(v)


def _offline_exit(v: Any) -> str:
    if v not in OFFLINE_EXIT_MODES:
        raise FieldError("value", Code.INVALID_CHOICE, _("Use allow_flag or refuse"))
    return v


def _mode(v: Any) -> str:
    if v not in ("key_areas", "all", "none"):
        raise FieldError("value", Code.INVALID_CHOICE, _("Use key_areas, all or none"))
    return v


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    default: Any
    parse: Callable[[Any], Any]


SETTINGS: dict[str, Setting] = {s.key: s for s in [
    Setting("observation_days", _("Medical observation days"), 14, _int_range(1, 60)),
    Setting("fever_threshold", _("Fever threshold (°C)"), "37.3", _temperature),
    Setting("fever_comparison", _("Fever when temperature is"), ">=", _comparison),
    # Shown on the gate's answer when someone is refused for fever: what the guard does next.
    Setting("gate_fever_instruction", _("What the guard does when someone has a fever"),
            "请被测者在临时留观点等候，戴好口罩，不要离开；立即电话报告社区值班负责人，由其联系社区卫生服务中心。",
            _text(300)),
    Setting("exit_quota", _("Exits a calendar day, by pass kind"),
            {"resident": None, "temporary": 1, "service": None, "vehicle": None}, _quota),
    Setting("id_required", _("Pass kinds that need the ID card shown"), ["temporary", "service"], _kinds),
    Setting("offline_exit", _("Exits with a daily limit at an offline gate"), "allow_flag", _offline_exit),
    # The gate console warns on its decision screen when, offline, its data is older than this.
    Setting("offline_stale_minutes", _("Minutes before offline gate data counts as old"), 30, _int_range(1, 1440)),
    Setting("followups_per_day", _("Observation follow-ups per day"), 2, _int_range(1, 6)),
    Setting("key_areas", _("Key areas"), ["湖北省"], _areas),
    Setting("key_area_window_days", _("Days a key-area stay or contact keeps a person flagged"), 14,
            _int_range(1, 60)),
    Setting("returnee_observation", _("Returnees who start observation"), "key_areas", _mode),
    Setting("work_resumption_date", _("Work resumption date"), "2020-02-24", _date),
    # The daily report of day D covers the 24 hours ending at `report_period_end` (00:00: the calendar day D;
    # 16:00: D-1 16:00 to D 16:00) and is due at the first `report_cutoff` at or after the period's end.
    Setting("report_period_end", _("Daily report period ends at (00:00 = the calendar day)"), "00:00", _time),
    Setting("report_cutoff", _("Daily report cut-off time"), "16:00", _time),
    # The twice-daily briefings (一日两会): the morning one covers the time since the evening one, and back.
    Setting("briefing_morning", _("Morning briefing time"), "08:00", _time),
    Setting("briefing_evening", _("Evening briefing time"), "18:00", _time),
    # Residents' requests: the first answer within these minutes by day (from `request_day_starts` to
    # `request_night_starts`) and by night (第一时间回复).
    Setting("request_answer_day_minutes", _("Minutes to the first answer of a request, by day"), 30,
            _int_range(1, 1440)),
    Setting("request_answer_night_minutes", _("Minutes to the first answer of a request, at night"), 120,
            _int_range(1, 1440)),
    Setting("request_day_starts", _("Day starts at (requests)"), "08:00", _time),
    Setting("request_night_starts", _("Night starts at (requests)"), "20:00", _time),
    # A price alert: an item's price above its baseline by more than this percentage; the baseline is the
    # price at the baseline date (empty: the merchant's first inspection of the item).
    Setting("price_alert_percent", _("Price rise that raises an alert (%)"), 10, _int_range(1, 500)),
    Setting("price_baseline_date", _("Price baseline date (empty: the first inspection)"), "", _optional_date),
    Setting("export_expiry_hours", _("Hours an exported file stays downloadable"), 24, _int_range(1, 168)),
]}
