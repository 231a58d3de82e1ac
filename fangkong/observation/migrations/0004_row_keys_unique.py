import uuid

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("observation", "0003_reportlink_returneereport_bound_ciphertexts")]

    operations = [
        migrations.AlterField(model_name="reportlink", name="row_key",
                              field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
        migrations.AlterField(model_name="returneereport", name="row_key",
                              field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
    ]
