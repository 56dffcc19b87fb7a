"""The migrations that make plan slugs, indicator codes and committees unique per area keep every row and its
history: a database from before them (rows, history records and the reference loader's remembered keys) comes out
with each indicator, history record and committee in its area and every remembered key naming the area."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from committee.models import Committee
from kpi.models import Indicator
from vision.models import ReferenceRecord

pytestmark = pytest.mark.slow

BEFORE = [
    ("vision", "0003_reference_record"),
    ("kpi", "0005_observation_published_copy_and_lock_versions"),
    ("committee", "0005_closed_review_guard_new_columns"),
    ("agreements", "0003_agreement_department_and_lock_version"),
]
AFTER = [
    ("vision", "0008_plan_and_goal_reference_keys"),
    ("kpi", "0008_indicator_code_unique_per_area"),
    ("committee", "0008_committee_unique_per_area"),
    ("agreements", "0004_vision_goal_link_reference_keys"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _migrate_to_latest():
    """Every app at its newest migration again (later migrations than AFTER included), for the tests after this."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _records():
    return {(r.content_type.app_label, r.content_type.model, r.natural_key) for r in ReferenceRecord.objects.all()}


@pytest.mark.django_db(transaction=True)
def test_rows_history_and_remembered_keys_survive_the_migrations(settings):
    records_before = _records()  # the reference data's, when a previous test has not flushed it
    old = _migrate(BEFORE)
    try:
        MetroArea = old.get_model("vision", "MetroArea")
        Plan = old.get_model("vision", "Plan")
        Goal = old.get_model("vision", "Goal")
        ContentType = old.get_model("contenttypes", "ContentType")
        OldRecord = old.get_model("vision", "ReferenceRecord")
        area = MetroArea.objects.create(slug="mig-area", name="移行の都市圏", central_city_name="中心市")
        default, _created = MetroArea.objects.get_or_create(
            slug=settings.DEFAULT_AREA, defaults={"name": "既定の都市圏", "central_city_name": "中心市"}
        )
        plan = Plan.objects.create(
            slug="mig-plan",
            area=area,
            kind="strategy",
            title="移行の戦略",
            start_fiscal_year=2020,
            end_fiscal_year=2023,
        )
        Goal.objects.create(plan=plan, code="G1", title="目標")
        indicator = old.get_model("kpi", "Indicator").objects.create(
            code="MIG-1", plan=plan, name="移行の指標", unit="件"
        )
        history = old.get_model("kpi", "HistoricalIndicator")
        for history_type, name in (("+", "最初の名前"), ("~", "移行の指標")):
            history.objects.create(
                id=indicator.pk,
                code="MIG-1",
                plan_id=plan.pk,
                name=name,
                unit="件",
                history_date=timezone.now(),
                history_type=history_type,
            )
        OldCommittee = old.get_model("committee", "Committee")
        OldCommittee.objects.create(slug="mig-committee", name="移行の委員会", plan=plan)
        OldCommittee.objects.create(slug="mig-orphan", name="計画のない委員会")

        def remember(app_label, model, key):
            content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model)
            OldRecord.objects.create(content_type=content_type, natural_key=json.dumps(key, ensure_ascii=False))

        remember("vision", "plan", ["mig-plan"])
        remember("vision", "goal", ["mig-plan", "G1"])
        remember("kpi", "indicator", ["MIG-1"])
        remember("kpi", "indicatorplacement", ["MIG-1", "mig-plan", "G1"])
        remember("kpi", "observation", ["MIG-1", 2020, "actual"])
        remember("kpi", "targetrevision", ["MIG-1", 2021, "target", "2021-04-01"])
        remember("kpi", "observation", ["GONE-1", 2020, "actual"])  # a row deleted since it was loaded
        remember("agreements", "visiongoallink", ["1-1", "mig-plan", "G1"])
        remember("committee", "committee", ["mig-committee"])
        remember("committee", "member", ["mig-committee", "委員"])
        remember("committee", "appointment", ["mig-committee", "委員", "2020-04-01"])
        remember("committee", "meeting", ["mig-committee", 2020, 1])
        remember("committee", "agendaitem", ["mig-committee", 2020, 1, 1])
        remember("committee", "review", ["mig-committee", 2020])
        remember("committee", "evaluation", ["mig-committee", 2020, "mig-plan", "G1"])
        remember("committee", "publiccomment", ["2020-01-06", "意見募集"])  # a key with no area in it
    finally:
        _migrate_to_latest()

    indicator = Indicator.objects.get(code="MIG-1")
    assert indicator.area.slug == "mig-area"
    assert [(r.name, r.area_id) for r in indicator.history.order_by("history_id")] == [
        ("最初の名前", indicator.area_id),
        ("移行の指標", indicator.area_id),
    ]
    assert Committee.objects.get(slug="mig-committee").area.slug == "mig-area"
    assert Committee.objects.get(slug="mig-orphan").area.slug == settings.DEFAULT_AREA
    assert {(app_label, model, key) for app_label, model, key in _records() if "mig-" in key or "GONE-1" in key} == {
        ("vision", "plan", '["mig-area", "mig-plan"]'),
        ("vision", "goal", '["mig-area", "mig-plan", "G1"]'),
        ("kpi", "indicator", '["mig-area", "MIG-1"]'),
        ("kpi", "indicatorplacement", '["mig-area", "MIG-1", "mig-plan", "G1"]'),
        ("kpi", "observation", '["mig-area", "MIG-1", 2020, "actual"]'),
        ("kpi", "targetrevision", '["mig-area", "MIG-1", 2021, "target", "2021-04-01"]'),
        ("kpi", "observation", f'["{settings.DEFAULT_AREA}", "GONE-1", 2020, "actual"]'),
        ("agreements", "visiongoallink", '["1-1", "mig-area", "mig-plan", "G1"]'),
        ("committee", "committee", '["mig-area", "mig-committee"]'),
        ("committee", "member", '["mig-area", "mig-committee", "委員"]'),
        ("committee", "appointment", '["mig-area", "mig-committee", "委員", "2020-04-01"]'),
        ("committee", "meeting", '["mig-area", "mig-committee", 2020, 1]'),
        ("committee", "agendaitem", '["mig-area", "mig-committee", 2020, 1, 1]'),
        ("committee", "review", '["mig-area", "mig-committee", 2020]'),
        ("committee", "evaluation", '["mig-area", "mig-committee", 2020, "mig-area", "mig-plan", "G1"]'),
    }
    assert ("committee", "publiccomment", '["2020-01-06", "意見募集"]') in _records()
    # the reference data's own records went back to the old keys and forward again, unchanged
    assert records_before <= _records()
