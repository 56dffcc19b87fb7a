from django.core.management.base import BaseCommand

from kpi import opendatafiles


class Command(BaseCommand):
    """Build the whole install's open-data files (CSV, Shift_JIS CSV, JSON) of the current data version."""

    help = "全圏域の公開データ（CSV・Shift_JIS の CSV・JSON）を現在の公開データの版で作成し、データベースに保管します。"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="この版の一式が既にあっても作り直す")

    def handle(self, *args, force, **options):
        build = opendatafiles.build_files(force=force)
        files = ", ".join(
            f"{file.format} {file.size:,} B ({file.compressed_size:,} B gzip)" for file in build.files.order_by("pk")
        )
        self.stdout.write(f"data version {build.data_version}: {build.row_count:,} rows; {files}")
