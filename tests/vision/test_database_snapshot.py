import io
import json

import pytest
from django.core.management import call_command

from kpi.models import Indicator

pytestmark = pytest.mark.django_db


def _snapshot():
    out = io.StringIO()
    call_command("database_snapshot", stdout=out)
    return json.loads(out.getvalue())


def test_the_snapshot_counts_every_table_and_dumps_every_model_with_its_history(reference_data):
    snapshot = _snapshot()

    assert snapshot["row_counts"]["kpi_indicator"] == Indicator.objects.count() > 0
    assert snapshot["row_counts"]["django_migrations"] > 0  # a table without a model is counted too
    models = {obj["model"] for obj in snapshot["objects"]}
    assert {"kpi.indicator", "kpi.historicalindicator", "contenttypes.contenttype", "auth.permission"} <= models
    keys = [(obj["model"], json.dumps(obj["pk"])) for obj in snapshot["objects"]]
    assert keys == sorted(keys)


def test_the_snapshot_changes_when_a_row_changes(reference_data):
    before = _snapshot()
    indicator = Indicator.objects.order_by("pk").first()
    indicator.notes = "バックアップ後の変更"
    indicator.save()

    after = _snapshot()

    assert after != before
    assert after["row_counts"]["kpi_historicalindicator"] == before["row_counts"]["kpi_historicalindicator"] + 1
