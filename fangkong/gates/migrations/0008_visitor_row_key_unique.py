import uuid

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("gates", "0007_visitor_bound_ciphertexts")]

    operations = [
        migrations.AlterField(
            model_name="visitor",
            name="row_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
