from django.db import migrations


def seed(apps, schema_editor):
    from rencai.people.categories import SEED_CATEGORIES

    TalentCategory = apps.get_model("people", "TalentCategory")
    for order, (name, group, description) in enumerate(SEED_CATEGORIES, start=1):
        TalentCategory.objects.get_or_create(
            name=name, defaults={"group": group, "description": description, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
