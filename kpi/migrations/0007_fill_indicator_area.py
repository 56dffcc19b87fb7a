"""Each indicator, and each of its history records, takes its plan's area (0006 added the column, 0008 makes it
required and the code unique per area). The natural keys the reference loader remembered (ReferenceRecord) gain
the area as their first part, as Indicator.natural_key() now gives it."""

import json

from django.conf import settings
from django.db import migrations
from django.db.models import OuterRef, Subquery

KEY_LENGTHS = {"indicator": 1, "indicatorplacement": 3, "observation": 3, "targetrevision": 4}


def _rekey(apps, model, old_length, new_key):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReferenceRecord = apps.get_model("vision", "ReferenceRecord")
    content_type = ContentType.objects.filter(app_label="kpi", model=model).first()
    if content_type is None:
        return
    for record in ReferenceRecord.objects.filter(content_type=content_type):
        key = json.loads(record.natural_key)
        if len(key) == old_length:
            record.natural_key = json.dumps(new_key(key), ensure_ascii=False)
            record.save(update_fields=["natural_key"])


def fill(apps, schema_editor):
    Plan = apps.get_model("vision", "Plan")
    Indicator = apps.get_model("kpi", "Indicator")
    HistoricalIndicator = apps.get_model("kpi", "HistoricalIndicator")
    plan_area = Subquery(Plan.objects.filter(pk=OuterRef("plan_id")).values("area_id")[:1])
    Indicator.objects.update(area_id=plan_area)
    HistoricalIndicator.objects.filter(plan_id__isnull=False).update(area_id=plan_area)

    def area_of(code):
        # Codes were unique until 0008; an indicator deleted since its load is taken as the default area's.
        found = Indicator.objects.filter(code=code).values_list("area__slug", flat=True).first()
        return found or settings.DEFAULT_AREA

    for model, length in KEY_LENGTHS.items():
        _rekey(apps, model, length, lambda key: [area_of(key[0]), *key])


def unfill(apps, schema_editor):
    for model, length in KEY_LENGTHS.items():
        _rekey(apps, model, length + 1, lambda key: key[1:])


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("kpi", "0006_indicator_area"),
        ("vision", "0008_plan_and_goal_reference_keys"),
    ]

    operations = [migrations.RunPython(fill, unfill)]
