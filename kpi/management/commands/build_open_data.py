from django.core.management.base import BaseCommand

from kpi import opendatafiles


class Command(BaseCommand):
    """Build the whole install's open-data files (CSV, Shift_JIS CSV, JSON, XLSX) of the current data version, or
    with --prune only delete the builds no download reads any more (kpi.opendatafiles.prune)."""

    help = (
        "全圏域の公開データ（CSV・Shift_JIS の CSV・JSON・XLSX）を現在の公開データの版で作成し、データベースに"
        "保管します。--prune では作成せず、もう使われない古い一式と、止まった作成の残りを削除します。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="この版の一式が既にあっても作り直す")
        parser.add_argument("--prune", action="store_true", help="作成せず、古い一式と止まった作成の残りを削除する")

    def handle(self, *args, force, prune, **options):
        if prune:
            self.stdout.write(f"{opendatafiles.prune()} build(s) deleted")
            return
        build = opendatafiles.build_files(force=force)
        if build is None:  # the data changed while it was built: a newer version is for the next build
            self.stdout.write("the data changed while the files were built; run the command again")
            return
        files = ", ".join(
            f"{file.format} {file.size:,} B ({file.compressed_size:,} B stored)" for file in build.files.order_by("pk")
        )
        self.stdout.write(f"data version {build.data_version}: {build.row_count:,} rows; {files}")
