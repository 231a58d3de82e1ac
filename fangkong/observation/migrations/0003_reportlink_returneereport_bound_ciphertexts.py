"""Report links and returnee reports: a random row_key, then every ciphertext re-encrypted in format 2, bound
to its table, column and row (docs/decisions/0012-ciphertexts-bound-to-their-row.md). Not reversible:
format 1 is read here only."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    from fangkong.core.rekey import Sealed, Table, migrate_to_bound_ciphertexts

    person = Table(apps.get_model("registry", "Person"), (Sealed("id_number_encrypted", "id_number_hash", "id"),))
    migrate_to_bound_ciphertexts(apps.get_model("observation", "ReportLink"),
                                 (Sealed("token_encrypted", "token_hash", "link"),))
    # A report about a registered person keeps the person's blind index and no ciphertext: the person's
    # ID numbers translate it.
    migrate_to_bound_ciphertexts(apps.get_model("observation", "ReturneeReport"), (
        Sealed("id_number_encrypted", "id_number_hash", "id"), Sealed("phone_encrypted")), readers=[person])


class Migration(migrations.Migration):

    dependencies = [("observation", "0002_followup_client_id_per_user"), ("registry", "0004_person_row_key_unique")]

    operations = [
        migrations.AddField(model_name="reportlink", name="row_key", field=models.UUIDField(editable=False, null=True)),
        migrations.AddField(model_name="returneereport", name="row_key",
                            field=models.UUIDField(editable=False, null=True)),
        migrations.RunPython(forwards, elidable=False),
    ]
