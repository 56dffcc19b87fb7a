"""The bulk jobs move the public data version on once, and the writes that go around model signals move it too
(every admin screen: tests/security/test_admin_data_version.py)."""

import io

import pytest
from django.core.management import call_command

from agreements import services as agreement_services
from agreements.models import Agreement
from kpi import services as kpi_services
from kpi.models import Indicator
from vision import dataversion
from vision.models import Municipality

pytestmark = pytest.mark.django_db


def test_the_reference_loader_moves_it_once(reference_data):
    before = dataversion.current()
    Municipality.objects.filter(lg_code="431001").update(name="熊本市（旧）")  # a staff edit the loader keeps
    call_command("load_reference_data", "--reset", verbosity=0)
    assert dataversion.current() == before + 1


def _targets_file(indicator):
    """The indicator's targets again, each one more: rows that the import writes (as drafts)."""
    targets = indicator.observations.filter(kind="target").order_by("fiscal_year")
    lines = [f"{indicator.area.slug},{indicator.code},{t.fiscal_year},target,{t.value + 1}" for t in targets]
    return ("area,indicator_id,fiscal_year,kind,value\n" + "\n".join(lines) + "\n").encode()


def test_an_import_moves_it_once_and_its_dry_run_not_at_all(reference_data, admin_user):
    indicator = Indicator.objects.get(code="S2-G1-N1")  # targets FY2020–2023 in seed 001
    data = _targets_file(indicator)
    before = dataversion.current()

    outcome = kpi_services.import_observations(data, "values.csv", user=admin_user, dry_run=True)
    assert outcome.ok, outcome.errors
    assert dataversion.current() == before

    outcome = kpi_services.import_observations(data, "values.csv", user=admin_user, dry_run=False)
    assert outcome.ok, outcome.errors
    assert outcome.totals["update"] >= 1
    assert dataversion.current() == before + 1


def test_the_import_command_moves_it_once(reference_data, tmp_path):
    path = tmp_path / "values.csv"
    path.write_bytes(_targets_file(Indicator.objects.get(code="S2-G1-N1")))
    before = dataversion.current()
    call_command("import_observations", str(path), stdout=io.StringIO())
    assert dataversion.current() == before + 1


def test_the_bulk_inserted_articles_and_role_rows_of_a_copy_move_it(reference_data):
    source = Agreement.objects.get(partner__name="荒尾市", version=1)
    copy = agreement_services.copy_agreement(source, Municipality.objects.get(lg_code="432113"))  # 宇土市
    copy.articles.all().delete()
    copy.roles.all().delete()
    before = dataversion.current()

    agreement_services._copy_contents(source, copy)  # bulk_create only: no row is saved one by one

    assert copy.roles.count() == source.roles.count() > 0
    assert dataversion.current() == before + 1
