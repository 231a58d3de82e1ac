"""Visitor: a random row_key, then every ciphertext re-encrypted in format 2, bound to its table, column and
row (docs/decisions/0012-ciphertexts-bound-to-their-row.md). Not reversible: format 1 is read here only."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    from fangkong.core.rekey import Sealed, migrate_to_bound_ciphertexts

    migrate_to_bound_ciphertexts(apps.get_model("gates", "Visitor"), (
        Sealed("id_number_encrypted", "id_number_hash", "id"), Sealed("phone_encrypted")))


class Migration(migrations.Migration):

    dependencies = [("gates", "0006_scan_client_id_per_user")]

    operations = [
        migrations.AddField(
            model_name="visitor",
            name="row_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(forwards, elidable=False),
    ]
