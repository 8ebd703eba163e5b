from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ops', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='rebuildrun',
            name='processor',
            field=models.CharField(default='projector', help_text='the processor whose tables were rebuilt', max_length=64),
        ),
    ]
