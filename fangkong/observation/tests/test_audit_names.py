"""The audit log names an observation by the person's masked name, linked to the observation."""

from __future__ import annotations

from django.urls import reverse

from fangkong.accounts.audit_names import names_of
from fangkong.core.dates import local_today
from fangkong.core.identifiers import mask_name
from fangkong.observation.models import Observation
from fangkong.observation.services import observation_start


def test_an_observation_is_named_by_the_masked_person_with_a_link(personas, places, make_person, login):
    person = make_person(places["grid1"], name="孙悟空")
    obs = observation_start(actor=personas["office"], person=person, kind=Observation.Kind.HOME, start=local_today())
    named = names_of([("observation", str(obs.pk))])[("observation", str(obs.pk))]
    assert named.text == mask_name("孙悟空") and "孙悟空" not in named.text
    assert named.url == reverse("observation:observation_detail", args=[obs.pk])
    html = login("leader").get(reverse("accounts:audit_log")).content.decode()
    assert f'href="{named.url}"' in html and "孙悟空" not in html
