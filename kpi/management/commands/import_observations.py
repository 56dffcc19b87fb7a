from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kpi.importing import ImportFileError
from kpi.services import import_observations
from vision.models import MetroArea
from vision.tabular import preview_rows, read_upload


class Command(BaseCommand):
    """Import series values from a CSV (UTF-8, UTF-8 with BOM or Shift_JIS) or XLSX file, long or wide layout.

    Writes nothing and exits with status 1 when any row is bad, listing every bad row and column. Imported
    values are drafts until published. Indicator codes are unique per area: `--area` limits the file to one area;
    otherwise each row's `area` column, if any, says which area's indicator a code means.
    """

    help = "系列の値を CSV・XLSX から取り込みます。誤りのある行が1つでもあれば何も書き込まずに終了します。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="確認だけして書き込まない")
        parser.add_argument("--area", help="この圏域（識別名）の指標だけを対象にする")

    def handle(self, *args, file, dry_run, area=None, **options):
        areas = None
        if area:
            areas = MetroArea.objects.filter(slug=area)
            if not areas.exists():
                raise CommandError(f"圏域 {area} は登録されていません。")
        try:
            with file.open("rb") as stream:
                data = read_upload(stream)
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from error
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        try:
            outcome = import_observations(data, file.name, dry_run=dry_run, areas=areas)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        if outcome.errors:
            for error in outcome.errors:
                self.stderr.write(f"{error.row}行目 {error.column}: {error.message}")
            raise CommandError(f"{len(outcome.errors)} 件の誤りがあるため、何も取り込みませんでした。")
        if dry_run:
            for row in preview_rows(outcome):  # the same changes, in the same words, as the admin's preview
                self.stdout.write(str(row))
        totals = outcome.totals
        verb = "取り込めます（確認のみ）" if dry_run else "取り込みました"
        counts = f"新規 {totals['new']} 件、変更 {totals['update']} 件、変更なし {totals['skip']} 件"
        self.stdout.write(f"{verb}: {counts}（{outcome.layout} 形式）。")
