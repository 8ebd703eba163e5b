# Suspension, moved here from the staff app: the state only, on the table staff 0001 created
# (`staff_suspension`, kept by `db_table`), so this changes nothing in the database.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('staff', '0003_suspension_moved_to_accounts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Suspension',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.TextField()),
                        ('suspended_at', models.DateTimeField(auto_now_add=True)),
                        ('lifted_at', models.DateTimeField(blank=True, null=True)),
                        ('lift_reason', models.TextField(blank=True)),
                        ('lifted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('suspended_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='suspensions', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'staff_suspension',
                        'ordering': ['-suspended_at'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('lifted_at__isnull', True)), fields=('user',), name='one_active_suspension')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
