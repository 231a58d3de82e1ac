"""Policy values in words: what the policy page shows for each setting (its unit, the names of pass
kinds and modes, lists as running text), never the stored program value.

Policy sits below passes, so the pass kinds' names are given here; they are the same messages as the
names in `passes.models.Pass.Kind`, so one translation serves both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from fangkong.policy.catalogue import PASS_KINDS

PASS_KIND_LABELS = {
    "resident": gettext_lazy("resident pass"),
    "temporary": gettext_lazy("temporary pass"),
    "service": gettext_lazy("service pass (blue)"),
    "vehicle": gettext_lazy("vehicle pass"),
}
assert set(PASS_KIND_LABELS) == set(PASS_KINDS)

COMPARISON_LABELS = {
    ">=": gettext_lazy("at or above the threshold"),
    ">": gettext_lazy("above the threshold"),
}

RETURNEE_MODE_LABELS = {
    "key_areas": gettext_lazy("Returnees from key areas"),
    "all": gettext_lazy("Every returnee"),
    "none": gettext_lazy("No one (returnees are only registered)"),
}

OFFLINE_EXIT_LABELS = {
    "allow_flag": gettext_lazy("Let them out and flag a second exit as a conflict"),
    "refuse": gettext_lazy("Refuse until the network is back"),
}

LEVEL_LABELS = {
    "community": gettext_lazy("community"),
    "street": gettext_lazy("street"),
    "district": gettext_lazy("district"),
}


def join_words(items: Iterable[Any]) -> str:
    """Items as running text: 湖北省、温州市 in Chinese, "Hubei, Wenzhou" otherwise."""
    sep = "、" if (get_language() or "").startswith("zh") else ", "
    return sep.join(str(i) for i in items)


def _days(v: Any) -> str:
    n = int(v)
    return ngettext("%(n)s day", "%(n)s days", n) % {"n": n}


def _minutes(v: Any) -> str:
    n = int(v)
    return ngettext("%(n)s minute", "%(n)s minutes", n) % {"n": n}


def _per_day(v: Any) -> str:
    n = int(v)
    return ngettext("%(n)s a day", "%(n)s a day", n) % {"n": n}


def _temperature(v: Any) -> str:
    return f"{v} °C"


def _quota(v: Any) -> str:
    v = v if isinstance(v, dict) else {}
    parts = []
    for kind in PASS_KINDS:
        n = v.get(kind)
        if n is None:
            amount = _("no limit")
        elif int(n) == 0:
            amount = _("no exit")
        else:
            amount = ngettext("%(n)s exit a day", "%(n)s exits a day", int(n)) % {"n": int(n)}
        parts.append(_("%(kind)s: %(amount)s") % {"kind": PASS_KIND_LABELS[kind], "amount": amount})
    return "; ".join(parts)


def _kinds(v: Any) -> str:
    kinds = [PASS_KIND_LABELS.get(k, k) for k in (v or [])]
    return join_words(kinds) if kinds else _("none")


def _areas(v: Any) -> str:
    return join_words(v) if v else _("none")


def _date(v: Any) -> str:
    return date.fromisoformat(str(v)).isoformat()  # dates read 2020-02-24 everywhere in the pages


FORMATTERS: dict[str, Callable[[Any], str]] = {
    "observation_days": _days,
    "fever_threshold": _temperature,
    "fever_comparison": lambda v: str(COMPARISON_LABELS.get(v, v)),
    "exit_quota": _quota,
    "id_required": _kinds,
    "followups_per_day": _per_day,
    "key_areas": _areas,
    "key_area_window_days": _days,
    "returnee_observation": lambda v: str(RETURNEE_MODE_LABELS.get(v, v)),
    "work_resumption_date": _date,
    "offline_exit": lambda v: str(OFFLINE_EXIT_LABELS.get(v, v)),
    "offline_stale_minutes": _minutes,
}


def value_text(key: str, value: Any) -> str:
    """A setting's value as the page shows it: with its unit, kinds and modes by their names."""
    formatter = FORMATTERS.get(key)
    if formatter is None:
        return str(value)
    try:
        return formatter(value)
    except (TypeError, ValueError, AttributeError):
        return str(value)  # a value stored before its parser changed: shown as it is rather than not at all


def level_text(level: str) -> str:
    return str(LEVEL_LABELS.get(level, level))
