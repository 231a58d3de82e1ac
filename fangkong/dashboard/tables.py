"""Each chart as a table (caption, header, rows): read by screen readers and printed, the same numbers
the chart draws. Built from `figures.charts`, so the table and the chart cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Table:
    head: list[str]
    rows: list[list]


def _short(days: list[str]) -> list[str]:
    return [d[5:] for d in days]  # MM-DD


def chart_tables(charts: dict) -> dict[str, Table]:
    t = charts["gate_traffic"]
    traffic = Table([_("Hour")] + [f"{s['name']} {_('in')}/{_('out')}" for s in t["series"]],
                    [[f"{h:02d}:00"] + [f"{s['in'][h]}/{s['out'][h]}" for s in t["series"]] for h in t["hours"]]
                    + [[_("Total")] + [str(s["total"]) for s in t["series"]]])
    communities = [c["code"] for c in charts["communities"]]
    d = charts["denials"]
    denials = Table([_("Reason"), _("Refused scans")] + (communities if charts["side_by_side"] else []),
                    [[r["label"], r["count"]] + ([r["by_community"][c] for c in communities]
                                                  if charts["side_by_side"] else []) for r in d["reasons"]])
    o = charts["observation"]
    observation = Table([_("Day")] + [f"{s['name']} · {label}" for s in o["series"]
                                      for label in (_("home"), _("centralised"))],
                        [[day] + [v for s in o["series"] for v in (s["home"][i], s["centralised"][i])]
                         for i, day in enumerate(_short(o["days"]))])
    c = charts["coverage"]
    coverage = Table([_("Community"), _("Grid"), _("Households seen"), _("Households"), "%"],
                     [[r["community"], r["grid"], r["seen"], r["households"], r["percent"]] for r in c["rows"]]
                     + [[_("Total"), "", c["total"]["seen"], c["total"]["households"], c["total"]["percent"]]])
    a = charts["alerts"]
    alerts = Table([_("Day")] + [s["name"] for s in a["raised"]],
                   [[day] + [s["counts"][i] for s in a["raised"]] for i, day in enumerate(_short(a["days"]))])
    alerts_open = Table([_("Kind"), _("Open")], [[r["label"], r["count"]] for r in a["open"]])
    p = charts["passes"]
    passes = Table([_("Day")] + [s["label"] for s in p["issued"]],
                   [[day] + [s["counts"][i] for s in p["issued"]] for i, day in enumerate(_short(p["days"]))])
    passes_active = Table([_("Kind"), _("Active")], [[r["label"], r["count"]] for r in p["active"]])
    return {"gate_traffic": traffic, "denials": denials, "observation": observation, "coverage": coverage,
            "alerts": alerts, "alerts_open": alerts_open, "passes": passes, "passes_active": passes_active}


def side_by_side_rows(charts: dict) -> list[dict]:
    """A street's key figures per community: gate passages, under observation at the day's end, alerts raised."""
    traffic = {s["code"]: s["total"] for s in charts["gate_traffic"]["series"]}
    observed = {s["code"]: s["home"][-1] + s["centralised"][-1] for s in charts["observation"]["series"]}
    raised = {s["code"]: s["counts"][-1] for s in charts["alerts"]["raised"]}
    return [{"code": c["code"], "name": c["name"], "traffic": traffic.get(c["code"], 0),
             "observed": observed.get(c["code"], 0), "alerts": raised.get(c["code"], 0)}
            for c in charts["communities"]]


def chart_labels() -> dict[str, str]:
    """The words the charts draw (legends, axes), translated on the server: the script holds no text."""
    return {"in": _("in"), "out": _("out"), "home": _("home"), "centralised": _("centralised"),
            "seen": _("Households seen"), "missing": _("Not yet seen"), "refused": _("Refused scans"),
            "open": _("Open"), "raised": _("Raised"), "active": _("Active")}
