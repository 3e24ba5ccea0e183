from django.db import migrations


def seed(apps, schema_editor):
    from rencai.training.choices import SEED_POOLS

    Pool = apps.get_model("training", "Pool")
    for order, name in enumerate(SEED_POOLS, start=1):
        Pool.objects.get_or_create(name=name, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("training", "0003_more_records")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
