from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"


class Command(BaseCommand):
    """Load every reference fixture of the project, in dependency order, in one transaction.

    Fixtures are named NN_subject.json and the number gives the order (areas and members, then the
    policy-area taxonomy and agreements, then plans and indicators). Every row is identified by its
    natural key, so a second run updates the same rows and changes nothing.
    """

    help = "参照データ（圏域・市町村・連携協約・計画・指標）をすべて読み込みます。何度実行しても結果は同じです。"

    def add_arguments(self, parser):
        parser.add_argument("--fixture-dir", type=Path, default=FIXTURE_DIR)

    def handle(self, *args, fixture_dir, verbosity, **options):
        fixtures = sorted(fixture_dir.glob("[0-9][0-9]_*.json"))
        if not fixtures:
            self.stderr.write(self.style.ERROR(f"no fixtures found in {fixture_dir}"))
            raise SystemExit(1)
        with transaction.atomic():
            call_command("loaddata", *[str(path) for path in fixtures], verbosity=verbosity)
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"{len(fixtures)} 件の参照データファイルを読み込みました。"))
