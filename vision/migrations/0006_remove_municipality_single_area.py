from django.db import migrations, models


class Migration(migrations.Migration):
    """The area, central-city flag and join date now live on AreaMembership (copied by 0005)."""

    dependencies = [
        ("vision", "0005_copy_area_memberships"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='municipality',
            name='vision_municipality_one_central_city_per_area',
        ),
        migrations.RemoveConstraint(
            model_name='municipality',
            name='vision_municipality_central_city_has_area',
        ),
        migrations.RemoveField(
            model_name='municipality',
            name='area',
        ),
        migrations.RemoveField(
            model_name='municipality',
            name='is_central_city',
        ),
        migrations.RemoveField(
            model_name='municipality',
            name='joined_on',
        ),
        migrations.AddField(
            model_name='municipality',
            name='areas',
            field=models.ManyToManyField(blank=True, related_name='members', through='vision.AreaMembership', to='vision.metroarea', verbose_name='連携中枢都市圏'),
        ),
    ]
