"""API tokens kept only as their SHA-256 (already stored) and a short prefix to tell them apart: the encrypted
copy, which let a token be shown again, is dropped. Not reversible: a token cannot be recovered from its hash."""

from django.db import migrations, models

PREFIX_CHARS = 10


def forwards(apps, schema_editor):
    import hashlib

    from cryptography.exceptions import InvalidTag
    from django.conf import settings

    from fangkong.core.rekey import LegacySource

    legacy = LegacySource(settings.FANGKONG_DATA_KEY)
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.exclude(key_encrypted="").only("key_hash", "key_encrypted").iterator():
        try:
            key = legacy.open(token.key_encrypted, b"")
        except (InvalidTag, ValueError):
            continue  # a token whose copy does not open keeps working by its hash; it gets no prefix
        token.key_hash, token.key_prefix = hashlib.sha256(key.encode()).hexdigest(), key[:PREFIX_CHARS]
        token.save(update_fields=["key_hash", "key_prefix"])


class Migration(migrations.Migration):

    dependencies = [("accounts", "0003_identifier_search_guard")]

    operations = [
        migrations.AddField(model_name="apitoken", name="key_prefix",
                            field=models.CharField(blank=True, max_length=12)),
        migrations.RunPython(forwards, elidable=False),
        migrations.RemoveField(model_name="apitoken", name="key_encrypted"),
    ]
