"""Imports when indicator codes and plan slugs repeat across areas: a code is found within the row's area (the
optional `area` column, slug or name); a code of several areas with no area in the row is a row error that says
which column to fill, and nothing is written."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from kpi.models import Indicator, Observation
from kpi.resources import IndicatorResource, ObservationResource
from kpi.services import import_observations
from tests.kpi.factories import IndicatorFactory
from tests.vision.factories import MetroAreaFactory, PlanFactory
from vision.tabular import import_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def twin(reference_data):
    """Another area whose plan and KPI reuse 熊本's slug and code (kumamoto-strategy-2, S2-G1-N1)."""
    area = MetroAreaFactory(slug="other-area", name="別の都市圏")
    plan = PlanFactory(area=area, slug="kumamoto-strategy-2", start_fiscal_year=2020, end_fiscal_year=2023)
    return IndicatorFactory(plan=plan, code="S2-G1-N1", name="別の圏域の指標")


def _actual(area, year):
    return Observation.objects.filter(indicator__area__slug=area, indicator__code="S2-G1-N1", fiscal_year=year)


def test_a_code_of_two_areas_without_an_area_column_is_a_row_error(twin):
    data = "indicator_id,fiscal_year,kind,value\r\nS2-G1-N1,2021,actual,2600\r\nS2-G1-N2,2021,actual,5\r\n"
    outcome = import_observations(data.encode("utf-8"), "o.csv", dry_run=False)
    assert not outcome.written
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "indicator_id")]
    message = outcome.errors[0].message
    assert "S2-G1-N1" in message and "kumamoto" in message and "other-area" in message and "area 列" in message
    assert not _actual("kumamoto", 2021).exists() and not _actual("other-area", 2021).exists()


def test_the_area_column_says_which_areas_indicator_a_code_means(twin):
    data = (
        "indicator_id,area,fiscal_year,kind,value\r\n"
        "S2-G1-N1,kumamoto,2021,actual,2600\r\n"
        "S2-G1-N1,別の都市圏,2021,actual,7\r\n"
        "S2-G1-N2,,2021,actual,5\r\n"  # a code of one area needs no area
    )
    outcome = import_observations(data.encode("utf-8"), "o.csv", dry_run=False)
    assert outcome.ok, outcome.errors
    assert outcome.totals["new"] == 3
    assert _actual("kumamoto", 2021).get().value == Decimal("2600")
    assert _actual("other-area", 2021).get().value == Decimal("7")
    # the same code, year and kind in two areas are two values, not a duplicate row
    again = import_observations(data.encode("utf-8"), "o.csv", dry_run=True)
    assert again.ok and again.totals["skip"] == 3


def test_an_area_that_does_not_have_the_code_is_a_row_error(twin):
    data = "indicator_id,area,fiscal_year,kind,value\r\nS2-G1-N2,other-area,2021,actual,5\r\n"
    outcome = import_observations(data.encode("utf-8"), "o.csv", dry_run=True)
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "indicator_id")]
    assert "圏域 other-area に指標コード S2-G1-N2 は登録されていません" in outcome.errors[0].message


def test_the_wide_layout_carries_the_area_column(twin):
    data = "indicator_id,area,kind,R3,R4\r\nS2-G1-N1,other-area,実績値,7,8\r\n"
    outcome = import_observations(data.encode("cp932"), "wide.csv", dry_run=False)
    assert outcome.ok, outcome.errors
    assert [o.value for o in Observation.objects.filter(indicator=twin).order_by("fiscal_year")] == [7, 8]
    assert not _actual("kumamoto", 2021).exists()


def test_the_command_can_limit_a_file_to_one_area(twin, tmp_path):
    path = tmp_path / "o.csv"
    path.write_text("indicator_id,fiscal_year,kind,value\r\nS2-G1-N1,2021,actual,9\r\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_observations", str(path))
    call_command("import_observations", str(path), "--area", "other-area")
    assert _actual("other-area", 2021).get().value == Decimal("9")
    with pytest.raises(CommandError, match="圏域 nowhere は登録されていません"):
        call_command("import_observations", str(path), "--area", "nowhere")


INDICATOR_HEADER = (
    "code,area,plan,name,unit,decimals,direction,is_cumulative,cumulative_since,source,notes,department,"
    "actual_due_month,actual_due_day\r\n"
)


def test_an_indicator_import_updates_the_indicator_of_the_rows_area(twin):
    data = INDICATOR_HEADER + "S2-G1-N1,other-area,kumamoto-strategy-2,改めた名前,件,0,higher,0,,,,,,\r\n"
    outcome = import_table(IndicatorResource, data.encode("utf-8"), "i.csv", dry_run=False)
    assert outcome.ok, outcome.errors
    assert outcome.totals["update"] == 1
    twin.refresh_from_db()
    assert twin.name == "改めた名前"
    assert Indicator.objects.get(area__slug="kumamoto", code="S2-G1-N1").name == "市内総生産額"


def test_an_indicator_import_with_a_plan_slug_of_two_areas_needs_the_area(twin):
    data = INDICATOR_HEADER + "S2-G1-N1,,kumamoto-strategy-2,改めた名前,件,0,higher,0,,,,,,\r\n"
    outcome = import_table(IndicatorResource, data.encode("utf-8"), "i.csv", dry_run=False)
    assert not outcome.written
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "plan")]
    assert "複数の圏域" in outcome.errors[0].message and "area 列" in outcome.errors[0].message
    twin.refresh_from_db()
    assert twin.name == "別の圏域の指標"


def test_an_export_names_each_rows_area_and_imports_back_unchanged(twin):
    Observation.objects.create(indicator=twin, fiscal_year=2021, kind="actual", value=Decimal("7"))
    rows = Observation.objects.filter(indicator__code="S2-G1-N1")
    exported = ObservationResource().export(queryset=rows.select_related("indicator__area")).csv
    lines = exported.splitlines()
    assert lines[0].startswith("indicator_id,area,fiscal_year,kind,value")
    assert any(line.startswith("S2-G1-N1,other-area,2021,actual,7,") for line in lines)
    assert any(line.startswith("S2-G1-N1,kumamoto,") for line in lines)
    outcome = import_observations(exported.encode("utf-8-sig"), "export.csv", dry_run=True)
    assert outcome.ok, outcome.errors
    assert outcome.totals["skip"] == rows.count()
