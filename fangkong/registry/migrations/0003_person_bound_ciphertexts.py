"""Person: a random row_key, then every ciphertext re-encrypted in format 2, bound to its table, column and
row (docs/decisions/0012-ciphertexts-bound-to-their-row.md). Not reversible: format 1 is read here only."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    from fangkong.core.rekey import Sealed, migrate_to_bound_ciphertexts

    migrate_to_bound_ciphertexts(apps.get_model("registry", "Person"), (
        Sealed("id_number_encrypted", "id_number_hash", "id"), Sealed("phone_encrypted", "phone_hash", "phone")))


class Migration(migrations.Migration):

    dependencies = [("registry", "0002_alter_person_name")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="row_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(forwards, elidable=False),
    ]
