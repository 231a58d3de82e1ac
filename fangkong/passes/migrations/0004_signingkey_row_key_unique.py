import uuid

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("passes", "0003_signingkey_bound_ciphertexts")]

    operations = [
        migrations.AlterField(model_name="signingkey", name="row_key",
                              field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
    ]
