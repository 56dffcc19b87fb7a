from django.db import migrations, models


class Migration(migrations.Migration):
    """A background job may be the check (dry run) of a large import file, not only its writing."""

    dependencies = [
        ('vision', '0014_background_jobs'),
    ]

    operations = [
        migrations.AlterField(
            model_name='backgroundjob',
            name='kind',
            field=models.CharField(choices=[('import', '一括取込み'), ('import_check', '一括取込みの確認'), ('sheets_pdf', '全シートの PDF')], max_length=20, verbose_name='種類'),
        ),
    ]
