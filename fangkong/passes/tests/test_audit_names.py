"""The audit log names the objects of the apps above accounts (each app's audit_names module): a pass by
its number with a link, a household by its address, a policy value by its setting and place."""

from __future__ import annotations

import re
from datetime import date

from django.urls import reverse

from fangkong.accounts.audit_names import field_label, names_of, type_label
from fangkong.passes.services import pass_issue
from fangkong.policy.services import policy_set


def test_passes_households_and_policy_values_are_named_with_links(personas, places, make_person, login):
    personas["leader"].display_name = "王书记"
    personas["leader"].save(update_fields=["display_name"])
    person = make_person(places["grid1"], name="钱二")
    p = pass_issue(actor=personas["office"], person=person, kind="temporary", valid_from=date(2020, 1, 1),
                   valid_until=date(2099, 12, 31))
    value = policy_set(actor=personas["leader"], key="observation_days", value=21, community=places["home"],
                       effective_from=date(2020, 1, 1))
    html = login("leader").get(reverse("accounts:audit_log")).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert f"pass {p.number}" in text and f'href="{reverse("passes:pass_list")}?q={p.number}"' in html
    assert "policy value Medical observation days · 一号社区" in text
    assert f'href="{reverse("policy:community", args=["C1"])}"' in html
    assert f"household {person.household.address}" in text
    assert f'href="{reverse("registry:household_detail", args=[person.household_id])}"' in html

    names = names_of([("pass", str(p.pk)), ("policy", str(value.pk)), ("person", str(person.pk)),
                      ("screening_round", "7"), ("pass", "not-a-number")])
    assert names[("pass", str(p.pk))].text == p.number and names[("person", str(person.pk))].text == "钱*"
    assert ("screening_round", "7") not in names and ("pass", "not-a-number") not in names
    assert type_label("screening_round") == "screening round"
    assert field_label("policy", "observation_days") == "Medical observation days"
    assert field_label("person", "id_number") == "ID number" and field_label("person", "workplace") == "workplace"

