# Suspension moved to the accounts app (accounts 0002 takes over its state); the table
# `staff_suspension` and its rows stay as they are, so this changes nothing in the database.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('staff', '0002_free_text_columns'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Suspension')],
            database_operations=[],
        ),
    ]
