# ConsumedOffset moved to the streaming app (streaming 0001 takes over its state); the table and its
# rows stay as they are, so this changes nothing in the database.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('projector', '0001_initial'),
        ('streaming', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ConsumedOffset')],
            database_operations=[],
        ),
    ]
