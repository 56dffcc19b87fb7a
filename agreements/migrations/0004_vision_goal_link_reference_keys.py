"""A vision goal link's natural key is (policy-area code, *goal's key), and a goal's key now starts with its
plan's area (vision 0004-0005): the keys the reference loader remembered (ReferenceRecord) are rewritten to match."""

import json

from django.conf import settings
from django.db import migrations


def _rekey(apps, old_length, new_key):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReferenceRecord = apps.get_model("vision", "ReferenceRecord")
    content_type = ContentType.objects.filter(app_label="agreements", model="visiongoallink").first()
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
        found = Plan.objects.filter(slug=plan_slug).values_list("area__slug", flat=True).first()
        return found or settings.DEFAULT_AREA

    _rekey(apps, 3, lambda key: [key[0], area_of(key[1]), *key[1:]])


def drop_area(apps, schema_editor):
    _rekey(apps, 4, lambda key: [key[0], *key[2:]])


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("agreements", "0003_agreement_department_and_lock_version"),
        ("vision", "0008_plan_and_goal_reference_keys"),
    ]

    operations = [migrations.RunPython(add_area, drop_area)]
