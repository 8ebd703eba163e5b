# The model moved here from the projector app; its table stays where it is (`projector_consumedoffset`),
# created by projector 0001, so this only moves the model's state, and its content type if the
# database has one already (so its permissions follow it).

from django.db import migrations, models


def content_type_to_streaming(apps, schema_editor):
    content_types = apps.get_model('contenttypes', 'ContentType')
    content_types.objects.filter(app_label='projector', model='consumedoffset').update(app_label='streaming')


def content_type_to_projector(apps, schema_editor):
    content_types = apps.get_model('contenttypes', 'ContentType')
    content_types.objects.filter(app_label='streaming', model='consumedoffset').update(app_label='projector')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('projector', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ConsumedOffset',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('consumer', models.CharField(max_length=64)),
                        ('topic', models.CharField(max_length=255)),
                        ('partition', models.IntegerField()),
                        ('next_offset', models.BigIntegerField(help_text='offset of the next record to read')),
                    ],
                    options={
                        'db_table': 'projector_consumedoffset',
                        'constraints': [models.UniqueConstraint(fields=('consumer', 'topic', 'partition'), name='one_offset_per_partition')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_streaming, content_type_to_projector),
    ]
