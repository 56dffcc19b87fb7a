"""Each committee takes the area of the plan it verifies (0006 added the column, 0008 makes it required and the
slug and name unique per area); one without a plan goes to the default area (settings.DEFAULT_AREA). The natural
keys the reference loader remembered (ReferenceRecord) gain the area as their first part, as the models now give
them; an evaluation's key also gains its goal's area."""

import json

from django.conf import settings
from django.db import migrations
from django.db.models import OuterRef, Subquery

# model: length of its natural key before this migration
KEY_LENGTHS = {
    "committee": 1,
    "member": 2,
    "appointment": 3,
    "meeting": 3,
    "agendaitem": 4,
    "meetingdocument": 4,
    "review": 2,
    "edition": 2,
}


def _rekey(apps, model, old_length, new_key):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReferenceRecord = apps.get_model("vision", "ReferenceRecord")
    content_type = ContentType.objects.filter(app_label="committee", model=model).first()
    if content_type is None:
        return
    for record in ReferenceRecord.objects.filter(content_type=content_type):
        key = json.loads(record.natural_key)
        if len(key) == old_length:
            record.natural_key = json.dumps(new_key(key), ensure_ascii=False)
            record.save(update_fields=["natural_key"])


def fill(apps, schema_editor):
    MetroArea = apps.get_model("vision", "MetroArea")
    Plan = apps.get_model("vision", "Plan")
    Committee = apps.get_model("committee", "Committee")
    Committee.objects.filter(plan__isnull=False).update(
        area_id=Subquery(Plan.objects.filter(pk=OuterRef("plan_id")).values("area_id")[:1])
    )
    if Committee.objects.filter(area__isnull=True).exists():
        default = (
            MetroArea.objects.filter(slug=settings.DEFAULT_AREA).first() or MetroArea.objects.order_by("pk").first()
        )
        if default is None:
            raise RuntimeError("A committee without a plan needs an area, and no area is registered.")
        Committee.objects.filter(area__isnull=True).update(area=default)

    def committee_area(slug):
        found = Committee.objects.filter(slug=slug).values_list("area__slug", flat=True).first()
        return found or settings.DEFAULT_AREA

    def plan_area(slug):
        found = Plan.objects.filter(slug=slug).values_list("area__slug", flat=True).first()
        return found or settings.DEFAULT_AREA

    for model, length in KEY_LENGTHS.items():
        _rekey(apps, model, length, lambda key: [committee_area(key[0]), *key])
    _rekey(
        apps,
        "evaluation",
        4,
        lambda key: [committee_area(key[0]), key[0], key[1], plan_area(key[2]), key[2], key[3]],
    )


def unfill(apps, schema_editor):
    for model, length in KEY_LENGTHS.items():
        _rekey(apps, model, length + 1, lambda key: key[1:])
    _rekey(apps, "evaluation", 6, lambda key: [key[1], key[2], key[4], key[5]])


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("committee", "0006_committee_area"),
        ("vision", "0008_plan_and_goal_reference_keys"),
    ]

    operations = [migrations.RunPython(fill, unfill)]
