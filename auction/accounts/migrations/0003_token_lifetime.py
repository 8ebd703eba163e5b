# API tokens expire, die with a password change, and may be named. Tokens issued before keep working
# until 30 days after they were issued, under their owner's current password.
import hashlib
from datetime import timedelta

from django.db import migrations, models


def stamp_existing(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.select_related("user"):
        token.expires_at = token.created_at + timedelta(days=30)
        token.password_stamp = hashlib.sha256(token.user.password.encode()).hexdigest()  # models.password_stamp
        token.save(update_fields=["expires_at", "password_stamp"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_suspension"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="name",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="password_stamp",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="last_used_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(stamp_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(),
        ),
    ]
