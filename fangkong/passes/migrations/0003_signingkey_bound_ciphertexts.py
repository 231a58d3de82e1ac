"""Signing keys: a random row_key, then the private key re-encrypted in format 2, bound to its table, column
and row (docs/decisions/0012-ciphertexts-bound-to-their-row.md). Bans and sync events keep only the blind
index of an ID number, translated through the people's ID numbers. Not reversible: format 1 is read here only."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    from fangkong.core.rekey import Sealed, Table, migrate_to_bound_ciphertexts

    person = Table(apps.get_model("registry", "Person"), (Sealed("id_number_encrypted", "id_number_hash", "id"),))
    hash_only = [Table(apps.get_model("passes", n), (), (("id_number_hash", "id"),)) for n in ("Ban", "SyncEvent")]
    migrate_to_bound_ciphertexts(apps.get_model("passes", "SigningKey"), (Sealed("private_key_encrypted"),),
                                 readers=[person, *hash_only])


class Migration(migrations.Migration):

    dependencies = [("passes", "0002_exitcount_no_duplicate_index"), ("registry", "0004_person_row_key_unique")]

    operations = [
        migrations.AddField(model_name="signingkey", name="row_key", field=models.UUIDField(editable=False, null=True)),
        migrations.RunPython(forwards, elidable=False),
    ]
