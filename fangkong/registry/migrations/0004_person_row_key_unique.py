import uuid

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("registry", "0003_person_bound_ciphertexts")]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="row_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
