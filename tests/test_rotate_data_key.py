"""Ciphertexts bound to their row, and `FANGKONG_DATA_KEY` rotation across every app that holds one.

Above the layers (like the authorisation matrix): one scenario touches registry, observation, gates and
passes rows at once.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import os
from datetime import timedelta
from decimal import Decimal

import pytest

from fangkong.core import crypto, rekey
from fangkong.core.dates import local_today
from fangkong.core.identifiers import id_check_char
from fangkong.gates.models import Gate, Visitor
from fangkong.gates.services import visitor_register
from fangkong.observation.models import ReportLink, ReturneeReport
from fangkong.observation.returnees import ReportData, link_issue, report_by_office
from fangkong.passes import keys
from fangkong.passes.models import Ban, SigningKey
from fangkong.passes.services import ban_create
from fangkong.registry.models import Person

VISITOR_ID = "11010519491231002X"
UNKNOWN_ID = "11010519500101001" + id_check_char("11010519500101001")
REPORTED_ID = "37021219900101001" + id_check_char("37021219900101001")


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


@pytest.fixture
def world(personas, places, make_person):
    """One row of every kind that holds a ciphertext or a blind index."""
    office, admin = personas["office"], personas["admin"]
    people = [make_person(places["grid1"], phone=f"1381234{n:04d}") for n in range(5)]
    link_issue(actor=office, person=people[0], kind=ReportLink.Kind.RESIDENT)
    report_by_office(actor=office, community=places["home"], data=ReportData(
        from_place="湖北省武汉市", arrival_date=local_today() - timedelta(days=1), name="返乡人员",
        id_number=REPORTED_ID, phone="13900000000", address="1号楼"))
    report_by_office(actor=office, community=places["home"], data=ReportData(  # a registered person: hash only
        from_place="湖北省武汉市", arrival_date=local_today(), person_id=people[1].id))
    Gate.objects.create(community=places["home"], code="east", name="东门")
    visitor_register(actor=personas["guard"], gate_code="east", name="访客", id_number=VISITOR_ID,
                     phone="13812345678", reason="探望", temperature=Decimal("36.6"), household_text="3号楼")
    keys.key_rotate()
    for number in (people[2].id_number, VISITOR_ID, UNKNOWN_ID):
        ban_create(actor=admin, community=places["home"], id_number=number, reason="测试")
    return {"people": people, "numbers": [p.id_number for p in people], "phones": [p.phone for p in people]}


def test_a_ciphertext_moved_to_another_row_or_column_does_not_open(world):
    a, b = world["people"][:2]
    Person.objects.filter(pk=b.pk).update(id_number_encrypted=a.id_number_encrypted)
    with pytest.raises(crypto.DecryptionError, match=r"does not belong to registry_person\.id_number_encrypted"):
        Person.objects.get(pk=b.pk).id_number  # noqa: B018 -- the read is the test
    Person.objects.filter(pk=a.pk).update(phone_encrypted=a.id_number_encrypted)
    with pytest.raises(crypto.DecryptionError):
        Person.objects.get(pk=a.pk).phone  # noqa: B018
    visitor = Visitor.objects.get()
    Visitor.objects.filter(pk=visitor.pk).update(id_number_encrypted=a.id_number_encrypted)
    with pytest.raises(crypto.DecryptionError):
        Visitor.objects.get().id_number  # noqa: B018


def test_rotation_interrupted_resumed_and_repeated(world, settings, monkeypatch):
    old, new = settings.FANGKONG_DATA_KEY, new_key()
    first = rekey.rotate(old_text=old, new_text=new, batch=2, max_batches=1)
    assert not first.complete and 0 < first.rows_changed <= 2  # stopped after one batch, as a crash would
    assert {crypto.header(p.id_number_encrypted)[1] for p in Person.objects.all()} == {crypto.data_key(old).key_id}

    # Meanwhile the application runs under the new key and still reads what has not been re-encrypted.
    settings.FANGKONG_DATA_KEY = new
    monkeypatch.setenv("FANGKONG_DATA_KEY_OLD", old)
    assert [Person.objects.get(pk=p.pk).id_number for p in world["people"]] == world["numbers"]

    seen = []
    done = rekey.rotate(old_text=old, new_text=new, batch=2, progress=lambda *a: seen.append(a))
    assert done.complete and done.rows_changed > 0 and done.unresolved == 1  # the ban on an unknown number
    assert seen[-1][1] == seen[-1][2]  # progress reaches the total of the last table
    again = rekey.rotate(old_text=old, new_text=new, batch=2)
    assert again.rows_changed == 0 and again.indexes_translated == 0  # a second run is harmless

    # The old key is no longer needed.
    monkeypatch.delenv("FANGKONG_DATA_KEY_OLD")
    new_id = crypto.data_key(new).key_id
    for table in rekey.tables_from_apps():
        for row in table.model._base_manager.all():
            for sealed in table.sealed:
                if getattr(row, sealed.field):
                    assert crypto.header(getattr(row, sealed.field)) == (2, new_id)
                    crypto.unseal(row, sealed.field)
    for number, phone, person in zip(world["numbers"], world["phones"], world["people"], strict=True):
        assert list(Person.objects.by_id_number(number)) == [person]
        assert list(Person.objects.by_phone(phone)) == [person]
        assert Person.objects.get(pk=person.pk).id_number == number
    report = ReturneeReport.objects.exclude(id_number_encrypted="").get()
    assert (report.id_number, report.phone) == (REPORTED_ID, "13900000000")
    bare = ReturneeReport.objects.get(id_number_encrypted="")
    assert bare.id_number_hash == crypto.blind_index("id", world["numbers"][1])  # translated with the person's
    link = ReportLink.objects.get()
    assert link.token_hash == crypto.blind_index("link", link.token)
    visitor = Visitor.objects.get()
    assert (visitor.id_number, visitor.id_number_hash) == (VISITOR_ID, crypto.blind_index("id", VISITOR_ID))
    keys._invalidate()
    assert keys.current_signing_key()[0] == SigningKey.objects.get().kid
    bans = set(Ban.objects.values_list("id_number_hash", flat=True))
    assert {crypto.blind_index("id", world["numbers"][2]), crypto.blind_index("id", VISITOR_ID)} <= bans
    assert crypto.data_key(old).blind_index("id", UNKNOWN_ID) in bans  # no ciphertext holds it: left, reported


def test_rotation_refuses_the_same_key_twice(settings, db):
    with pytest.raises(crypto.DataKeyError, match="same key"):
        rekey.rotate(old_text=settings.FANGKONG_DATA_KEY, new_text=settings.FANGKONG_DATA_KEY)


def legacy_encrypt(key_text: str, plaintext: str) -> str:
    """Format 1, as written before ciphertexts were bound to their row: no key id, no associated data."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        master = base64.urlsafe_b64decode(key_text + "=" * (-len(key_text) % 4))
    except ValueError:
        master = key_text.encode()
    if len(master) < 16:
        master = hashlib.sha256(key_text.encode()).digest()
    nonce = os.urandom(12)
    sealed = AESGCM(crypto.derive(master, b"encrypt")).encrypt(nonce, plaintext.encode(), None)
    return base64.b64encode(b"\x01" + nonce + sealed).decode()


def migration(app: str, name: str):
    return importlib.import_module(f"fangkong.{app}.migrations.{name}")


@pytest.mark.parametrize("key_text", ["generated", "a passphrase"])
def test_the_migrations_bind_format_1_rows_and_translate_blind_indexes(key_text, world, settings):
    """Rows as they were before: format-1 ciphertexts, blind indexes under the former derivation (a
    passphrase was hashed once with SHA-256; it is now stretched with scrypt, so its indexes change)."""
    from django.apps import apps

    signing = SigningKey.objects.get()
    private = crypto.unseal(signing, "private_key_encrypted")
    settings.FANGKONG_DATA_KEY = key_text = new_key() if key_text == "generated" else key_text
    former = rekey.LegacySource(key_text)
    SigningKey.objects.update(private_key_encrypted=legacy_encrypt(key_text, private))
    for person, number, phone in zip(world["people"], world["numbers"], world["phones"], strict=True):
        Person.objects.filter(pk=person.pk).update(
            id_number_encrypted=legacy_encrypt(key_text, number), id_number_hash=former.old_index("id", number),
            phone_encrypted=legacy_encrypt(key_text, phone), phone_hash=former.old_index("phone", phone))
    person, number, phone = world["people"][2], world["numbers"][2], world["phones"][2]
    ban = Ban.objects.get(person=person)
    Ban.objects.filter(pk=ban.pk).update(id_number_hash=former.old_index("id", number))

    migration("registry", "0003_person_bound_ciphertexts").forwards(apps, None)
    migration("passes", "0003_signingkey_bound_ciphertexts").forwards(apps, None)
    person = Person.objects.get(pk=person.pk)
    assert (person.id_number, person.phone) == (number, phone)
    assert crypto.header(person.id_number_encrypted) == (2, crypto.current_key().key_id)
    assert list(Person.objects.by_id_number(number)) == list(Person.objects.by_phone(phone)) == [person]
    assert Ban.objects.get(pk=ban.pk).id_number_hash == crypto.blind_index("id", number)
    # Run twice: nothing changes.
    before = Person.objects.values_list("id_number_encrypted", flat=True).get(pk=person.pk)
    migration("registry", "0003_person_bound_ciphertexts").forwards(apps, None)
    assert Person.objects.values_list("id_number_encrypted", flat=True).get(pk=person.pk) == before
    assert crypto.unseal(SigningKey.objects.get(), "private_key_encrypted") == private


def test_the_token_migration_keeps_the_hash_and_a_prefix_only(db):
    """Old rows kept the token encrypted too; the migration keeps its prefix and drops the copy."""
    mod = migration("accounts", "0004_apitoken_hash_only")
    assert [type(op).__name__ for op in mod.Migration.operations] == ["AddField", "RunPython", "RemoveField"]
    assert mod.Migration.operations[-1].name == "key_encrypted"
