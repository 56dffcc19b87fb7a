from django.db import migrations, models


class Migration(migrations.Migration):
    """The whole install's XLSX becomes one of the built open-data files (kpi.opendatafiles)."""

    dependencies = [
        ('kpi', '0014_open_data_files'),
    ]

    operations = [
        migrations.AlterField(
            model_name='opendatafile',
            name='format',
            field=models.CharField(choices=[('csv', 'CSV (UTF-8)'), ('csv-sjis', 'CSV (Shift_JIS)'), ('json', 'JSON'), ('xlsx', 'Excel (XLSX)')], max_length=10, verbose_name='形式'),
        ),
    ]
