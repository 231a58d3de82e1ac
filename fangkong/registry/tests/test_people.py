from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction

from fangkong.accounts.models import AuditEntry
from fangkong.core.errors import FieldError
from fangkong.registry.models import Membership, Person, Tenancy
from fangkong.registry.services import ANONYMISED_NAME, person_move, person_update, purge_expired
from fangkong.registry.validation import ValidationErrors, person_data_from


def test_one_person_per_id_number(places, make_person):
    p = make_person(places["grid1"])
    with pytest.raises(FieldError) as exc:
        make_person(places["grid2"], id_number=p.id_number.lower())
    assert exc.value.code == "id_number_taken"
    assert Person.objects.count() == 1


def test_the_database_also_refuses_a_second_person_with_the_same_id(places, make_person):
    p = make_person(places["grid1"])
    clone = Person(community=p.community, name="x", category="registered", retain_until=date(2030, 1, 1),
                   id_number_hash=p.id_number_hash)
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


def test_sex_and_birth_date_are_cross_checked_with_the_id_number():
    with pytest.raises(ValidationErrors) as exc:
        person_data_from({"name": "甲", "id_number": "11010519491231002X", "sex": "男", "birth_date": "1950-01-01"})
    assert {e.code for e in exc.value.errors} == {"id_sex_mismatch", "id_birth_mismatch"}
    data = person_data_from({"name": "甲", "id_number": "11010519491231002x", "sex": "女"})
    assert (data.sex, data.birth_date) == ("F", date(1949, 12, 31))


def test_all_field_errors_come_together():
    with pytest.raises(ValidationErrors) as exc:
        person_data_from({"name": "", "id_number": "123", "phone": "999", "category": "alien"})
    assert {e.field for e in exc.value.errors} == {"name", "id_number", "phone", "category"}


def test_passport_is_another_document_type():
    data = person_data_from({"name": "John", "id_type": "护照", "id_number": "e1234 5678"})
    assert (data.id_type, data.id_number) == ("passport", "E12345678")


def test_moving_keeps_membership_history_and_follows_scope(places, personas, make_person):
    p = make_person(places["grid1"], since=date(2019, 1, 1))
    target = make_person(places["grid2"]).household
    person_move(actor=personas["leader"], person=p, household=target, relation=Membership.Relation.RELATIVE,
                on=date(2020, 2, 1))
    p.refresh_from_db()
    assert p.grid == places["grid2"] and p.household == target
    history = list(p.memberships.order_by("start_date").values_list("end_date", flat=True))
    assert history == [date(2020, 2, 1), None]


def test_grid_worker_cannot_move_someone_into_another_grid(places, personas, make_person):
    from fangkong.core.errors import NotFound

    p = make_person(places["grid1"])
    target = make_person(places["grid2"]).household
    with pytest.raises(NotFound):
        person_move(actor=personas["grid1"], person=p, household=target, relation="other")
    p.refresh_from_db()
    assert p.grid == places["grid1"] and p.memberships.count() == 1


def test_update_audits_changed_field_names_only(places, personas, make_person):
    p = make_person(places["grid1"], phone="13812345678")
    data = person_data_from({"name": p.name, "id_number": p.id_number, "phone": "13900001111",
                             "category": "registered", "tags": ["party_member"]})
    changed = person_update(actor=personas["grid1"], person=p, data=data)
    assert set(changed) == {"phone", "tags"}
    entry = AuditEntry.objects.filter(action="update").latest("id")
    assert entry.fields == ["phone", "tags"]
    p.refresh_from_db()
    assert p.phone == "13900001111" and p.phone_masked == "139****1111"


def test_purge_anonymises_expired_people_only(places, personas, make_person):
    landlord = make_person(places["grid1"], name="房东")
    old = make_person(places["grid1"], name="过期者", phone="13812345678", landlord=landlord,
                      relation="tenant")
    Person.objects.filter(pk=old.pk).update(retain_until=date.today() - timedelta(days=1))
    assert purge_expired(dry_run=True) == {"people": 1}
    assert Person.objects.get(pk=old.pk).name == "过期者"
    assert purge_expired() == {"people": 1}
    old.refresh_from_db()
    assert old.name == ANONYMISED_NAME and old.id_number_hash is None and old.phone_encrypted == ""
    assert not Membership.objects.filter(person=old).exists() and not Tenancy.objects.exists()
    assert Person.objects.get(pk=landlord.pk).name == "房东"
    assert AuditEntry.objects.filter(action="purge", count=1).exists()
    assert purge_expired() == {"people": 0}


def test_retention_follows_the_setting_read_when_a_person_is_registered(places, make_person, settings):
    from fangkong.core.dates import local_today

    settings.FANGKONG_RETENTION_DAYS = 30
    assert make_person(places["grid1"]).retain_until == local_today() + timedelta(days=30)
    settings.FANGKONG_RETENTION_DAYS = 400
    assert make_person(places["grid1"]).retain_until == local_today() + timedelta(days=400)
