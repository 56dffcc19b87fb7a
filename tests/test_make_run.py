"""`make run` twice, end to end, in a temporary copy of the project: a staff edit survives the second run.

The copy holds the tracked files as they are in this checkout (uncommitted changes included); it runs
`make setup-data` (everything `make run` does before serving) on its own SQLite database, with the
virtualenv running these tests (VENV=…, and `-o` so that make does not reinstall into it).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.slow

EDIT = """
from kpi.models import Indicator, Observation
observation = Observation.objects.get_by_natural_key("kumamoto", "S1-G1-N1", 2018, "actual")
observation.value, observation.is_published = 2500, False
observation.save()
Indicator.objects.filter(code="S1-G1-N1").update(actual_due_month=8, actual_due_day=31)
"""

READ = """
from kpi.models import Indicator, Observation
observation = Observation.objects.get_by_natural_key("kumamoto", "S1-G1-N1", 2018, "actual")
indicator = Indicator.objects.get(code="S1-G1-N1")
print(int(observation.value), observation.is_published, indicator.actual_due_month, indicator.actual_due_day)
"""


def _copy_tracked_files(source, target):
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=source, capture_output=True, check=True)
    for name in listed.stdout.decode().split("\0"):
        path = source / name
        if name and path.is_file():  # a tracked file deleted in the working tree is not copied
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / name)


@pytest.fixture
def project_copy(tmp_path):
    if not (shutil.which("make") and shutil.which("git")):
        pytest.fail("make and git are needed to run `make run` twice in a copy")
    copy = tmp_path / "portal"
    copy.mkdir()
    _copy_tracked_files(Path(settings.BASE_DIR), copy)
    return copy


def test_make_run_twice_keeps_a_staff_edit(project_copy):
    venv = Path(sys.prefix)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{project_copy / 'db.sqlite3'}",
        "DEBUG": "true",
        "DJANGO_ADMIN_PASSWORD": "make-run-test",
    }
    env.pop("MAKEFLAGS", None)

    def run(*command):
        done = subprocess.run(command, cwd=project_copy, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    make = ("make", "--no-print-directory", f"VENV={venv}", "-o", f"{venv}/.runtime", "setup-data")
    python = str(venv / "bin" / "python")

    first = run(*make)
    assert "kpi.observation: 追加 171 / 更新 0 / 変更なし 0" in first
    run(python, "manage.py", "shell", "-v", "0", "-c", EDIT)
    second = run(*make)

    assert run(python, "manage.py", "shell", "-v", "0", "-c", READ).split() == ["2500", "False", "8", "31"]
    assert 'kpi.observation ["kumamoto", "S1-G1-N1", 2018, "actual"] value: 現在 2500 / 出荷時 2496' in second
    assert "kpi.observation: 追加 0 / 更新 0 / 変更なし 171 / 編集を保持 2 項目 / スキップ 0" in second
