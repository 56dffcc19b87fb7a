from django.db import migrations

def copy_memberships(apps, schema_editor):
    """Each municipality's area, central-city flag and join date become its membership of that area."""
    Municipality = apps.get_model("vision", "Municipality")
    AreaMembership = apps.get_model("vision", "AreaMembership")
    AreaMembership.objects.bulk_create(
        AreaMembership(
            area_id=municipality.area_id,
            municipality_id=municipality.pk,
            is_central_city=municipality.is_central_city,
            joined_on=municipality.joined_on,
        )
        for municipality in Municipality.objects.exclude(area=None).order_by("pk")
    )


def copy_memberships_back(apps, schema_editor):
    """Back to one area per municipality: its first membership (central city first)."""
    Municipality = apps.get_model("vision", "Municipality")
    AreaMembership = apps.get_model("vision", "AreaMembership")
    for membership in AreaMembership.objects.order_by("-is_central_city", "joined_on", "pk"):
        Municipality.objects.filter(pk=membership.municipality_id, area=None).update(
            area_id=membership.area_id, is_central_city=membership.is_central_city, joined_on=membership.joined_on
        )


class Migration(migrations.Migration):
    """Each municipality's single area becomes a membership (its own migration, so that on PostgreSQL the rows
    written here are committed before 0006 alters the tables)."""

    dependencies = [
        ("vision", "0004_area_membership"),
    ]

    operations = [
        migrations.RunPython(copy_memberships, copy_memberships_back),
    ]
