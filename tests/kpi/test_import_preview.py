"""The import preview says each change as old → new, names the indicator, and reads the same in the shell."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from kpi.services import import_observations
from vision.tabular import preview_rows

pytestmark = pytest.mark.django_db

HEADER = "indicator_id,fiscal_year,kind,value,comparator,measured_year,provisional,missing_reason,printed,note"


def csv_file(*lines):
    return ("\r\n".join([HEADER, *lines]) + "\r\n").encode("utf-8")


@pytest.fixture
def stored_812():
    """An actual of 812 (provisional) for 市内総生産額, as a first import writes it."""
    outcome = import_observations(csv_file("S2-G1-N1,2020,actual,812,,,true,,,"), "first.csv", dry_run=False)
    assert outcome.ok


CHANGE = csv_file("S2-G1-N1,2020,actual,815,,,false,,,熊本市推計（速報）")


def test_preview_names_each_changed_cell_old_to_new(stored_812):
    outcome = import_observations(CHANGE, "second.csv", dry_run=True)
    [row] = preview_rows(outcome)
    assert (row.file_row, row.import_type) == (2, "update")
    cells = dict(row.cells)
    assert cells["indicator_id"].new == "S2-G1-N1 市内総生産額"  # the name as well as the code
    assert (cells["value"].old, cells["value"].new, cells["value"].changed) == ("812", "815", True)
    assert (cells["provisional"].old, cells["provisional"].new) == ("はい", "いいえ")
    assert cells["note"].new == "熊本市推計（速報）"
    assert not cells["fiscal_year"].changed
    assert [str(change) for change in row.changes] == [
        "value: 812 → 815",
        "provisional: はい → いいえ",
        "note: （空欄） → 熊本市推計（速報）",
    ]


def test_admin_preview_shows_old_to_new_without_a_character_diff(stored_812, admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("second.csv", CHANGE, content_type="text/csv")
    body = admin_client.post(reverse("admin:kpi_observation_import"), {"file": upload}).content.decode()
    assert "812 → 815" in body
    assert "はい → いいえ" in body
    assert "S2-G1-N1 市内総生産額" in body
    assert "<del" not in body and "<ins" not in body
    assert "trufalse" not in body


def test_shell_dry_run_prints_the_same_changes(stored_812, tmp_path, capsys):
    path = tmp_path / "second.csv"
    path.write_bytes(CHANGE)
    call_command("import_observations", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "2行目 変更 S2-G1-N1 市内総生産額 2020 実績値" in out
    assert "value: 812 → 815" in out
    assert "provisional: はい → いいえ" in out
