import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AlertSeen",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("alert", models.CharField(max_length=60, verbose_name="预警")),
                ("subject", models.CharField(max_length=200, verbose_name="事项")),
                ("seen_at", models.DateTimeField(auto_now_add=True, verbose_name="已读时间")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="用户",
                    ),
                ),
            ],
            options={
                "verbose_name": "预警已读",
                "verbose_name_plural": "预警已读",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "alert", "subject"), name="alert_seen_once_per_item"
                    )
                ],
            },
        ),
    ]
