from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"


def record_initial_history():
    """Give every row with change history but no history yet a first record, so the first edit shows its old value.

    Fixture loads are raw saves, which write no history; without this the history of a reference value would
    start at its first change with nothing to compare or revert to. Rows that have history are left alone.
    """
    from simple_history.models import registered_models
    from simple_history.utils import get_history_manager_for_model

    created = 0
    for model in registered_models.values():
        history = get_history_manager_for_model(model)
        with_history = history.values_list(model._meta.pk.attname, flat=True).distinct()
        missing = list(model._default_manager.exclude(pk__in=with_history))
        if missing:
            history.bulk_history_create(missing, default_change_reason="参照データの読込み")
            created += len(missing)
    return created


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
            created = record_initial_history()
        if verbosity and created:
            self.stdout.write(f"変更履歴の起点を {created} 件記録しました。")
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"{len(fixtures)} 件の参照データファイルを読み込みました。"))
