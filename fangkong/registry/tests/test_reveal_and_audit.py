from __future__ import annotations

from django.test import Client
from django.urls import reverse

from fangkong.accounts.models import AuditEntry


def test_person_page_masks_by_default_and_reveal_is_audited(personas, places, make_person):
    person = make_person(places["grid1"], phone="13812345678")
    c = Client()
    c.force_login(personas["office"])
    page = c.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert person.id_number not in page and person.id_number_masked in page
    assert "13812345678" not in page and "138****5678" in page
    before = AuditEntry.objects.filter(action="reveal").count()
    r = c.post(reverse("registry:person_reveal", args=[person.pk, "id_number"]))
    assert person.id_number in r.content.decode()
    entry = AuditEntry.objects.filter(action="reveal").latest("id")
    assert AuditEntry.objects.filter(action="reveal").count() == before + 1
    assert (entry.actor, entry.object_type, entry.object_id, entry.fields) == (
        personas["office"], "person", str(person.pk), ["id_number"])


def test_grid_worker_may_reveal_phone_but_not_id(personas, places, make_person):
    person = make_person(places["grid1"], phone="13812345678")
    c = Client()
    c.force_login(personas["grid1"])
    assert c.post(reverse("registry:person_reveal", args=[person.pk, "phone"])).status_code == 200
    before = AuditEntry.objects.filter(action="reveal").count()
    assert c.post(reverse("registry:person_reveal", args=[person.pk, "id_number"])).status_code == 403
    assert AuditEntry.objects.filter(action="reveal").count() == before


def test_api_masks_and_reveals_with_audit(personas, places, make_person, api_client):
    person = make_person(places["grid1"], phone="13812345678")
    c = api_client("office")
    body = c.get(f"/api/v1/people/{person.pk}").json()
    assert body["id_number"] == person.id_number_masked and body["phone"] == "138****5678"
    revealed = c.get(f"/api/v1/people/{person.pk}?reveal=id_number").json()
    assert revealed["id_number"] == person.id_number
    assert AuditEntry.objects.filter(action="reveal", object_id=str(person.pk), via="api").exists()


def test_audit_never_stores_values(personas, places, make_person):
    person = make_person(places["grid1"], name="王小明", phone="13812345678")
    for entry in AuditEntry.objects.all():
        text = f"{entry.object_type}{entry.object_id}{entry.fields}"
        assert person.id_number not in text and "13812345678" not in text and "王小明" not in text


def test_identifiers_are_not_stored_in_clear(personas, places, make_person):
    from django.db import connection

    person = make_person(places["grid1"], phone="13812345678")
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM registry_person WHERE id = %s", [person.pk])
        row = " ".join(str(v) for v in cur.fetchone())
    assert person.id_number not in row and "13812345678" not in row
