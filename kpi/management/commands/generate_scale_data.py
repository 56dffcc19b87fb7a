"""Synthetic national-scale data for measuring (kpi/scale_data.py). Never loaded by default; replaces itself."""

from django.core.management.base import BaseCommand

from kpi.scale_data import PRESETS, generate


class Command(BaseCommand):
    help = (
        "測定用の合成データ（圏域・構成市町村・連携協約・総合戦略・指標と系列の値）を作成します。"
        "既存の合成データは置き換え、参照データには触れません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--preset", choices=sorted(PRESETS), default="medium")
        parser.add_argument("--seed", type=int, default=15)

    def handle(self, *args, preset, seed, **options):
        generator = generate(preset, seed=seed, stdout=self.stdout if options["verbosity"] > 1 else None)
        counts = ", ".join(f"{name} {count:,}" for name, count in sorted(generator.counts.items()))
        self.stdout.write(f"{preset}: {counts} in {generator.seconds:.1f} s")
