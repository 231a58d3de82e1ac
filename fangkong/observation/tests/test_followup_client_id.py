"""A follow-up's client_id is the user's own: another user's identical id is another follow-up, never
the first one's answer, and an id taken first by someone else does not swallow the follow-up."""

from __future__ import annotations

from datetime import date

import pytest

from fangkong.core.errors import FieldError
from fangkong.observation.models import FollowUp
from fangkong.observation.services import followup_record, observation_start


@pytest.fixture
def obs(personas, places, make_person):
    person = make_person(places["grid1"], name="居家观察")
    return observation_start(actor=personas["office"], person=person, kind="home", start=date.today())


def test_another_users_identical_client_id_is_a_new_follow_up(personas, obs):
    first = followup_record(actor=personas["grid1"], obs=obs, temperature="36.5", client_id="fu-1")
    second = followup_record(actor=personas["office"], obs=obs, temperature="37.9", client_id="fu-1")
    assert second.pk != first.pk and second.recorded_by == personas["office"]
    first.refresh_from_db()
    assert (str(first.temperature), first.recorded_by) == ("36.5", personas["grid1"])  # unchanged
    assert FollowUp.objects.count() == 2


def test_an_id_taken_first_by_another_user_does_not_swallow_the_follow_up(personas, places, make_person, obs):
    mine = observation_start(actor=personas["office"], person=make_person(places["grid1"]), kind="home",
                             start=date.today())
    followup_record(actor=personas["office"], obs=mine, temperature="36.4", client_id="next")
    fu = followup_record(actor=personas["grid1"], obs=obs, temperature="36.6", client_id="next")
    assert (fu.observation_id, fu.recorded_by) == (obs.pk, personas["grid1"])


def test_the_same_user_replays_and_may_not_reuse_an_id_elsewhere(personas, places, make_person, obs):
    first = followup_record(actor=personas["grid1"], obs=obs, temperature="36.5", client_id="r")
    assert followup_record(actor=personas["grid1"], obs=obs, temperature="36.5", client_id="r").pk == first.pk
    other = observation_start(actor=personas["office"], person=make_person(places["grid1"]), kind="home",
                              start=date.today())
    with pytest.raises(FieldError) as e:
        followup_record(actor=personas["grid1"], obs=other, temperature="36.5", client_id="r")
    assert e.value.code == "client_id_taken" and FollowUp.objects.count() == 1


def test_a_self_report_replays_by_its_own_id(obs):
    first = followup_record(actor=None, obs=obs, temperature="36.5", source="self", client_id="self:1:a")
    again = followup_record(actor=None, obs=obs, temperature="36.5", source="self", client_id="self:1:a")
    assert first.pk == again.pk and FollowUp.objects.count() == 1
