"""The issue's list of supply items, with Chinese names and units."""

from django.db import migrations

from fangkong.supplies.catalogue import ITEMS



def seed(apps, schema_editor):
    Item = apps.get_model("supplies", "Item")
    for order, (code, name, unit, low) in enumerate(ITEMS):
        Item.objects.update_or_create(code=code, defaults={"name": name, "unit": unit, "default_low": low,
                                                           "order": order})


class Migration(migrations.Migration):
    dependencies = [("supplies", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
