"""Plan slugs are unique per area (0004), so a plan's natural key is (area slug, plan slug) and a goal's
(area slug, plan slug, goal code). The reference loader remembers each row it loaded under its natural key
(ReferenceRecord): the keys it stored before are rewritten here, so the next load still recognises the rows."""

import json

from django.conf import settings
from django.db import migrations


def _rekey(apps, model, old_length, new_key):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReferenceRecord = apps.get_model("vision", "ReferenceRecord")
    content_type = ContentType.objects.filter(app_label="vision", model=model).first()
    if content_type is None:
        return
    for record in ReferenceRecord.objects.filter(content_type=content_type):
        key = json.loads(record.natural_key)
        if len(key) == old_length:
            record.natural_key = json.dumps(new_key(key), ensure_ascii=False)
            record.save(update_fields=["natural_key"])


def add_area(apps, schema_editor):
    Plan = apps.get_model("vision", "Plan")

    def area_of(plan_slug):
        # Slugs were unique until 0004; a plan deleted since its load is taken as the default area's.
        found = Plan.objects.filter(slug=plan_slug).values_list("area__slug", flat=True).first()
        return found or settings.DEFAULT_AREA

    _rekey(apps, "plan", 1, lambda key: [area_of(key[0]), *key])
    _rekey(apps, "goal", 2, lambda key: [area_of(key[0]), *key])


def drop_area(apps, schema_editor):
    _rekey(apps, "plan", 2, lambda key: key[1:])
    _rekey(apps, "goal", 3, lambda key: key[1:])


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("vision", "0007_plan_slug_unique_per_area"),
    ]

    operations = [migrations.RunPython(add_area, drop_area)]
