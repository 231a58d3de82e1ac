"""The policy page in words: every value with its label and unit, lists and quotas as running text, pass
kinds and modes by their names; edit forms with widgets, not program syntax."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from fangkong.policy.display import PASS_KIND_LABELS, value_text
from fangkong.policy.selectors import policy_value
from fangkong.policy.services import policy_set

PROGRAM_SYNTAX = ["{'", "['", "None", "key_areas", "observation_days", "'temporary'", "&#x27;", ">=", "&gt;="]


def _page(login, persona, community, language="en"):
    r = login(persona, language=language).get(reverse("policy:community", args=[community.code]))
    assert r.status_code == 200
    return r.content.decode()


def _rows(html: str) -> dict[str, str]:
    """The in-force list: key → the label, value and source of its row, as text."""
    rows = {}
    row = r'<li class="policy-row" data-key="([a-z_]+)"[^>]*>(.*?)(?:<details|</li>)'
    for key, body in re.findall(row, html, re.S):
        rows[key] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()
    return rows


def test_every_value_is_shown_in_words_with_its_label_and_unit(places, personas, login):
    home = places["home"]
    policy_set(actor=personas["leader"], key="key_areas", value=["湖北省", "温州市"], community=home,
               effective_from=date(2020, 2, 1))
    rows = _rows(_page(login, "grid1", home))
    assert len(rows) >= 12
    assert rows["observation_days"].startswith("Medical observation days 14 days")
    assert "37.3 °C" in rows["fever_threshold"]
    assert "at or above the threshold" in rows["fever_comparison"]
    assert ("resident pass: no limit; temporary pass: 1 exit a day; service pass (blue): no limit; "
            "vehicle pass: no limit") in rows["exit_quota"]
    assert "temporary pass, service pass (blue)" in rows["id_required"]
    assert "湖北省, 温州市" in rows["key_areas"]
    assert f"Set for {home.name} (community), from 2020-02-01" in rows["key_areas"]
    assert "14 days" in rows["key_area_window_days"]
    assert "Returnees from key areas" in rows["returnee_observation"]
    assert "2 a day" in rows["followups_per_day"]
    assert "2020-02-24" in rows["work_resumption_date"] and "16:00" in rows["report_cutoff"]
    assert "Built-in default" in rows["observation_days"]
    for key, text in rows.items():
        for syntax in PROGRAM_SYNTAX:
            assert syntax not in text, (key, syntax, text)


def test_the_history_names_the_setting_the_place_and_the_person(places, personas, login):
    home = places["home"]
    personas["leader"].display_name = "王书记"
    personas["leader"].save()
    policy_set(actor=personas["leader"], key="id_required", value=["temporary"], community=home,
               effective_from=date(2020, 2, 1), note="临时证查验")
    html = _page(login, "leader", home)
    history = re.sub(r"<[^>]+>", "", html.split('class="policy-history"', 1)[1])
    assert "Pass kinds that need the ID card shown: temporary pass" in history
    assert f"for {home.name} (community) from 2020-02-01" in history and "set by 王书记" in history
    assert "['temporary']" not in history and "leader" not in history.split("</ul>")[0]


def test_chinese_lists_read_with_the_enumeration_comma_and_translated_kind_names(places):
    with translation.override("zh-hans"):
        assert value_text("key_areas", ["湖北省", "温州市"]) == "湖北省、温州市"
        resident = str(PASS_KIND_LABELS["resident"])
        assert resident != "resident pass"  # the pass kinds' names are the passes' own, translated
        assert value_text("id_required", ["resident", "vehicle"]) == f"{resident}、{PASS_KIND_LABELS['vehicle']}"
    with translation.override("en"):
        assert value_text("exit_quota", {"resident": None, "temporary": 0}).startswith(
            "resident pass: no limit; temporary pass: no exit")
        assert value_text("observation_days", 1) == "1 day"


def test_the_forms_use_widgets_not_program_syntax(places, personas, login):
    html = _page(login, "leader", places["home"])
    # Pass kinds needing the ID card: a checkbox per kind, the current ones ticked.
    ticked = re.findall(r'<input type="checkbox" name="id_required-value" value="(\w+)"[^>]*checked', html)
    assert sorted(ticked) == ["service", "temporary"]
    # The exit quota: a number per kind, the temporary pass's 1 filled in, the others empty (no limit).
    for kind in ("resident", "temporary", "service", "vehicle"):
        assert f'name="exit_quota-quota_{kind}"' in html
    assert re.search(r'name="exit_quota-quota_temporary" value="1"', html)
    assert re.search(r'<textarea name="gate_fever_instruction-value"[^>]*>\s*请被测者', html)
    assert re.search(r'<input type="radio" name="returnee_observation-value" value="key_areas"[^>]*checked', html)
    assert 'type="time" name="report_cutoff-value" value="16:00"' in html
    assert "JSON" not in html


@pytest.mark.parametrize(("key", "fields", "stored"), [
    ("exit_quota", {"quota_resident": "", "quota_temporary": "2", "quota_service": "", "quota_vehicle": "0"},
     {"resident": None, "temporary": 2, "service": None, "vehicle": 0}),
    ("id_required", {"value": ["vehicle", "temporary"]}, ["temporary", "vehicle"]),
    ("id_required", {}, []),
    ("fever_threshold", {"value": "37.5"}, "37.5"),
    ("returnee_observation", {"value": "all"}, "all"),
    ("report_cutoff", {"value": "15:30"}, "15:30"),
    ("work_resumption_date", {"value": "2020-03-02"}, "2020-03-02"),
    ("gate_fever_instruction", {"value": "请到东门临时留观点等候"}, "请到东门临时留观点等候"),
])
def test_each_widget_saves_the_value_policy_stores(places, personas, login, key, fields, stored):
    home = places["home"]
    data = {"key": key, f"{key}-level": "community", f"{key}-effective_from": "2020-01-01",
            **{f"{key}-{name}": v for name, v in fields.items()}}
    r = login("leader").post(reverse("policy:community", args=[home.code]), data)
    assert r.status_code == 302, r.content.decode()[:2000]
    assert policy_value(community=home, key=key) == stored


def test_the_page_refuses_a_change_from_a_role_that_may_only_read(places, login):
    data = {"key": "observation_days", "observation_days-value": "21", "observation_days-level": "community",
            "observation_days-effective_from": "2020-01-01"}
    assert login("grid1").post(reverse("policy:community", args=[places["home"].code]), data).status_code == 403


def test_the_form_offers_only_the_levels_the_reader_may_set(places, login):
    url = reverse("policy:community", args=[places["home"].code])

    def levels(persona):
        html = login(persona).get(url).content.decode()
        select = html.split('name="observation_days-level"', 1)[1].split("</select>", 1)[0]
        return re.findall(r'<option value="(\w+)"', select)

    assert levels("leader") == ["community"]  # a community leader sets values for the community only
    assert levels("street") == ["community", "street"]
