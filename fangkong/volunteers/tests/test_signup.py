"""The public sign-up: no login, clear errors, one sign-up per ID and community, a budget per client, and the
ID number and phone never shown back."""

from __future__ import annotations

import pytest

from fangkong.accounts.models import AuditEntry
from fangkong.core import crypto
from fangkong.volunteers.models import Volunteer
from fangkong.volunteers.tests.conftest import an_id

pytestmark = [pytest.mark.django_db, pytest.mark.urls("fangkong.volunteers.tests.urls")]

URL = "/c/C1/volunteer/"


def form(**over):
    data = {"name": "王志愿", "phone": "13912345678", "id_number": an_id(7), "skills": ["gate", "driving"],
            "availability": "周末全天", "veteran": "on"}
    data.update(over)
    return data


def test_the_page_opens_without_login(places, public):
    r = public().get(URL)
    assert r.status_code == 200
    assert "volunteer" in r.content.decode().lower()


def test_unknown_community_is_404(places, public):
    assert public().get("/c/NOPE/volunteer/").status_code == 404


def test_a_sign_up_is_stored_protected_and_awaits_vetting(places, public):
    r = public().post(URL, form())
    assert r.status_code == 302 and r["Location"].endswith("?sent=1")
    v = Volunteer.objects.get()
    assert v.community == places["home"] and v.status == Volunteer.Status.PENDING
    assert v.id_number == an_id(7) and v.phone == "13912345678"
    assert an_id(7) not in v.id_number_encrypted and v.id_number_hash == crypto.blind_index("id", an_id(7))
    assert v.phone_masked != "13912345678" and v.id_number_masked != an_id(7)
    assert v.skills == ["gate", "driving"] and v.veteran and not v.party_member
    assert AuditEntry.objects.filter(object_type="volunteer", object_id=str(v.pk), action="create").exists()


def test_bad_checksum_and_bad_phone_are_refused_with_messages_and_not_echoed(places, public):
    bad = an_id(7)[:-1] + ("0" if an_id(7)[-1] != "0" else "1")
    r = public().post(URL, form(id_number=bad, phone="12345"))
    body = r.content.decode()
    assert r.status_code == 422
    assert "The check digit of the ID number is wrong" in body
    assert "A phone number is 11 digits" in body
    assert bad not in body
    assert not Volunteer.objects.exists()


def test_errors_are_in_chinese_by_default(places, public):
    c = public()
    c.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    r = c.post(URL, form(name=""))
    assert r.status_code == 422
    assert not Volunteer.objects.exists()


def test_the_same_id_twice_in_a_community_is_refused_kindly(places, public):
    assert public().post(URL, form()).status_code == 302
    r = public().post(URL, form(name="另一个名字", phone="13800000000"))
    assert r.status_code == 422
    assert "already signed up" in r.content.decode()
    assert Volunteer.objects.count() == 1
    # In another community the same person may sign up.
    assert public().post("/c/C2/volunteer/", form()).status_code == 302


def test_the_sixth_sign_up_in_an_hour_from_one_client_is_429(places, public):
    c = public()
    for n in range(5):
        assert c.post(URL, form(id_number=an_id(100 + n))).status_code == 302
    r = c.post(URL, form(id_number=an_id(200)))
    assert r.status_code == 429
    assert Volunteer.objects.count() == 5
    assert public().post(URL, form(id_number=an_id(201))).status_code == 302  # another client still can


def test_after_sending_the_page_shows_no_personal_data(places, public):
    c = public()
    r = c.post(URL, form(), follow=True)
    body = r.content.decode()
    assert an_id(7) not in body and "13912345678" not in body and "王志愿" not in body
