"""Peak memory of the import at its limits: files as large as the size cap allows, in the shapes that cost the
most memory per byte (the widest rows of short cells; the longest cells), as CSV and XLSX, each checked (a dry
run, as the admin's first step) in a fresh subprocess whose maximum resident set size is reported against the
budget: once as new rows, once as updates of stored values.

    .venv/bin/python bench/import_memory.py          # SQLite in a temporary directory

Every file is valid, so the whole path runs: reading, the layout, the validation of every row and the preview
of each (kpi.series_import). Exits with status 1 when a figure is over the budget.
"""

import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-key")  # 16 characters or more with DEBUG off
os.environ["DJANGO_SETTINGS_MODULE"] = "kumamoto_portal.settings"

BUDGET_MB = 300
HEADER = ["indicator_id", "fiscal_year", "kind", "value", "comparator", "measured_year", "provisional"]
HEADER += ["missing_reason", "printed", "note"]
YEARS = range(2020, 2024)  # the plan of S2-G1-N1
KINDS = ("actual", "target")


def keys(count):
    """`count` distinct (indicator, fiscal year, kind) keys over the BENCH-n indicators."""
    per_indicator = len(YEARS) * len(KINDS)
    for index in range(count):
        n, rest = divmod(index, per_indicator)
        year, kind = YEARS[rest % len(YEARS)], KINDS[rest // len(YEARS)]
        yield f"BENCH-{n}", year, kind


def row_cells(index, key):
    code, year, kind = key
    return [code, year, kind, 100 + index % 9000, "", "", "false", "", "", ""]


def csv_line(cells):
    return ",".join(str(cell) for cell in cells) + "\r\n"


def build_csv_widest(limits):
    """The widest rows the reader accepts (MAX_COLUMNS), the extra columns holding two-character cells: the
    most cells, each its own string object, that fit under the size cap."""
    extra = limits["MAX_COLUMNS"] - len(HEADER)
    header = HEADER + [f"x{n}" for n in range(extra)]
    parts, size = [csv_line(header)], len(csv_line(header))
    for index, key in enumerate(keys(limits["MAX_ROWS"])):
        cells = row_cells(index, key) + [f"{(index + column) % 90 + 10}" for column in range(extra)]
        line = csv_line(cells)
        if size + len(line) > limits["MAX_FILE_BYTES"]:
            break
        parts.append(line)
        size += len(line)
    return "".join(parts).encode(), len(parts) - 1, len(header)


def build_csv_longest(limits):
    """Notes as long as a cell may be (MAX_CELL_CHARS), as many rows as fit under the size cap."""
    parts, size = [csv_line(HEADER)], len(csv_line(HEADER))
    for index, key in enumerate(keys(limits["MAX_ROWS"])):
        cells = row_cells(index, key)
        cells[-1] = f"{index:06d}" + "x" * (limits["MAX_CELL_CHARS"] - 6)
        line = csv_line(cells)
        if size + len(line) > limits["MAX_FILE_BYTES"]:
            break
        parts.append(line)
        size += len(line)
    return "".join(parts).encode(), len(parts) - 1, len(HEADER)


def _xlsx(rows_of_cells, header, limits):
    """A workbook of as many of the rows as fit under both the compressed and the uncompressed cap."""
    from openpyxl import Workbook

    def build(count):
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(header)
        for cells in rows_of_cells[:count]:
            sheet.append(cells)
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
        import zipfile

        expanded = sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(data)).infolist())
        return data, expanded

    count = len(rows_of_cells)
    data, expanded = build(count)
    while len(data) > limits["MAX_FILE_BYTES"] or expanded > limits["MAX_XLSX_UNCOMPRESSED_BYTES"]:
        # the share of rows that fits, a little under, until the workbook is within both caps
        share = min(limits["MAX_FILE_BYTES"] / len(data), limits["MAX_XLSX_UNCOMPRESSED_BYTES"] / expanded)
        count = int(count * min(share, 1) * 0.995)
        data, expanded = build(count)
    return data, count, len(header)


def build_xlsx_widest(limits):
    """MAX_COLUMNS numeric cells a row (numbers above 256 are each their own object), under both XLSX caps."""
    extra = limits["MAX_COLUMNS"] - len(HEADER)
    header = HEADER + [f"x{n}" for n in range(extra)]
    rows = [
        row_cells(index, key) + [1000 + (index + column) % 9000 for column in range(extra)]
        for index, key in enumerate(keys(limits["MAX_ROWS"]))
    ]
    return _xlsx(rows, header, limits)


def build_xlsx_longest(limits):
    """Notes of MAX_CELL_CHARS characters, each different (the shared-strings table keeps every one), under both
    XLSX caps: text compresses well, so the uncompressed cap is the one that binds."""
    rows = []
    for index, key in enumerate(keys(limits["MAX_ROWS"])):
        cells = row_cells(index, key)
        cells[-1] = f"{index:06d}" + "x" * (limits["MAX_CELL_CHARS"] - 6)
        rows.append(cells)
    return _xlsx(rows, HEADER, limits)


SHAPES = [
    ("CSV, widest rows", "widest.csv", build_csv_widest),
    ("CSV, longest cells", "longest.csv", build_csv_longest),
    ("XLSX, widest rows", "widest.xlsx", build_xlsx_widest),
    ("XLSX, longest cells", "longest.xlsx", build_xlsx_longest),
]


def setup_django():
    import django

    django.setup()


def prepare(stored=False):
    """The database the children read: migrated, the reference data, the BENCH-n indicators and, if `stored`,
    a value for every key the files hold."""
    setup_django()
    from django.core.management import call_command

    from kpi.models import Indicator, Observation
    from vision.tabular import MAX_ROWS

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    plan = Indicator.objects.get(code="S2-G1-N1").plan
    count = -(-MAX_ROWS // (len(YEARS) * len(KINDS)))
    Indicator.objects.bulk_create(
        Indicator(code=f"BENCH-{n}", plan=plan, area=plan.area, name=f"指標{n}", unit="件") for n in range(count)
    )
    if stored:  # every row of the files is then an update, which keeps more per row than a new one
        indicators = {indicator.code: indicator for indicator in Indicator.objects.filter(code__startswith="BENCH-")}
        Observation.objects.bulk_create(
            Observation(indicator=indicators[code], fiscal_year=year, kind=kind, value=1, printed="1", note="旧")
            for code, year, kind in keys(MAX_ROWS)
        )


def child(path):
    """One dry run of the file, as the admin's upload does it; prints what it found."""
    setup_django()
    from kpi.services import import_observations
    from vision.tabular import ImportFileError, read_upload

    if path == "-":
        print("baseline: Django set up, nothing read")
        return
    with open(path, "rb") as stream:
        try:
            data = read_upload(stream)
            outcome = import_observations(data, path, dry_run=True)
        except ImportFileError as error:
            print(f"refused: {error}")
            return
    first = f"; first error: row {outcome.errors[0].row} {outcome.errors[0].message}" if outcome.errors else ""
    print(f"{len(outcome.errors)} errors, totals {outcome.totals}{first}")


def measure(arguments, environment):
    """Run a child; returns (its maximum resident set in MB, its output). wait4 gives that child's own figure."""
    process = subprocess.Popen(
        [sys.executable, __file__, *arguments], env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output = process.stdout.read().decode()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{arguments}: exit {process.returncode}\n{output}")
    return usage.ru_maxrss / 1024, output.strip().splitlines()[-1]  # ru_maxrss is in KiB on Linux


def limits():
    from vision import tabular

    names = ("MAX_FILE_BYTES", "MAX_ROWS", "MAX_COLUMNS", "MAX_CELL_CHARS", "MAX_XLSX_UNCOMPRESSED_BYTES")
    return {name: getattr(tabular, name) for name in names}


def build(name, directory):
    """Write the file of one shape; prints its size and shape."""
    setup_django()
    label, filename, builder = next(shape for shape in SHAPES if shape[1] == name)
    data, rows, columns = builder(limits())
    (Path(directory) / filename).write_bytes(data)
    print(f"{len(data) / 1024 / 1024:4.2f} MB, {rows}×{columns}")


def main():
    # This process stays small and starts every child itself: on Linux a child's maximum RSS includes the
    # high-water mark of the process it was spawned from (vfork and exec), so the files are built, and the
    # limits read, in children too.
    directory = Path(tempfile.mkdtemp(prefix="import-memory-"))
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{directory / 'bench.sqlite3'}"}
    updates = {**os.environ, "DATABASE_URL": f"sqlite:///{directory / 'bench-stored.sqlite3'}"}
    subprocess.run([sys.executable, __file__, "--prepare"], env=environment, check=True)
    subprocess.run([sys.executable, __file__, "--prepare", "stored"], env=updates, check=True)
    print(
        subprocess.run(
            [sys.executable, __file__, "--limits"], env=environment, check=True, capture_output=True, text=True
        ).stdout.strip()
    )
    baseline, _output = measure(["--child", "-"], environment)
    print(f"{'Django set up, no import':32} {'':>18} max RSS {baseline:4.0f} MB")
    over = False
    for label, filename, _builder in SHAPES:
        shape = subprocess.run(
            [sys.executable, __file__, "--build", filename, str(directory)],
            env=environment,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        for kind, env in (("new rows", environment), ("updates", updates)):
            peak, output = measure(["--child", str(directory / filename)], env)
            verdict = "ok" if peak < BUDGET_MB else "OVER"
            over |= peak >= BUDGET_MB
            print(
                f"{label + ', ' + kind:32} {shape:>18} max RSS {peak:4.0f} MB"
                f"  (budget < {BUDGET_MB} MB: {verdict})  [{output}]"
            )
    return 1 if over else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--prepare"]:
        prepare(stored=sys.argv[2:3] == ["stored"])
    elif sys.argv[1:2] == ["--limits"]:
        setup_django()
        print(
            "limits: {MAX_FILE_BYTES} bytes a file, {MAX_ROWS} rows, {MAX_COLUMNS} columns, {MAX_CELL_CHARS}"
            " characters a cell, {MAX_XLSX_UNCOMPRESSED_BYTES} bytes of XLSX expanded".format(**limits())
        )
    elif sys.argv[1:2] == ["--build"]:
        build(sys.argv[2], sys.argv[3])
    elif sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
    else:
        sys.exit(main())
