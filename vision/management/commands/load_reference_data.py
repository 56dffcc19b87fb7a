from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from vision.reference_data import fixture_paths, load_reference_data, record_initial_history

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"


def _show(value):
    return "（空）" if value in (None, "", []) else str(value)


class Command(BaseCommand):
    """Load every reference fixture of the project, in file-name order, in one transaction, merging field by field.

    Fixtures are named NN_subject.<format> and the number gives the order (areas and members, then the
    policy-area taxonomy and agreements, then plans and indicators, then the committee). New rows are
    inserted; on rows loaded before, a field nobody changed since takes the shipped value and a field staff
    changed is kept and reported (see vision/reference_data.py). --reset writes the shipped values over
    everything, with history.
    """

    help = (
        "参照データ（圏域・市町村・連携協約・計画・指標・検証委員会）を読み込みます。"
        "2回目以降は項目ごとに統合し、職員が編集した項目は残して報告します（--reset で出荷時の値に上書き）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--fixture-dir", type=Path, default=FIXTURE_DIR, help="参照データのディレクトリ。")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="職員の編集も含めて、参照データの項目をすべて出荷時の値で上書きします（変更履歴は残ります）。",
        )

    def handle(self, *args, fixture_dir, reset, verbosity, **options):
        paths = fixture_paths(fixture_dir)
        if not paths:
            raise CommandError(f"参照データのファイルがありません: {fixture_dir}")
        with transaction.atomic():
            report = load_reference_data(paths, reset=reset)
            created = record_initial_history()
        if verbosity:
            self._write_report(report, created)

    def _write_report(self, report, created):
        write = self.stdout.write
        write(f"{len(report.files)} 件の参照データファイルを読み込みました。")
        for label, c in report.counts.items():
            write(
                f"  {label}: 追加 {c.inserted} / 更新 {c.updated} / 変更なし {c.unchanged}"
                f" / 編集を保持 {c.kept} 項目 / スキップ {c.skipped}"
            )
        if report.kept:
            write(self.style.WARNING(f"職員が編集した {len(report.kept)} 項目は出荷時の値にせず残しました:"))
            for kept in report.kept:
                note = "" if kept.recorded else "（前回の読込み記録なし）"
                write(
                    f"  {kept.model} {kept.key} {kept.field}: 現在 {_show(kept.current)}"
                    f" / 出荷時 {_show(kept.shipped)}{note}"
                )
            write("  出荷時の値に戻すには --reset を付けて実行します。")
        if report.skipped:
            write(self.style.WARNING(f"{len(report.skipped)} 行は読み込みませんでした:"))
            for skipped in report.skipped:
                fields = f"（{', '.join(skipped.fields)}）" if skipped.fields else ""
                write(f"  {' '.join(filter(None, (skipped.model, skipped.key)))}: {skipped.reason}{fields}")
        if created:
            write(f"変更履歴の起点を {created} 件記録しました。")
        write(self.style.SUCCESS("参照データの読込みが終わりました。"))
