from django.db import migrations


def seed(apps, schema_editor):
    from rencai.training.choices import SEED_CATEGORIES

    TrainingCategory = apps.get_model("training", "TrainingCategory")
    for order, (name, group) in enumerate(SEED_CATEGORIES, start=1):
        TrainingCategory.objects.get_or_create(
            name=name, defaults={"group": group, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
