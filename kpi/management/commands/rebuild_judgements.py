"""Judge every indicator again and store its public judgement (kpi/judgements.py)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from kpi import judgements
from vision import dataversion


class Command(BaseCommand):
    help = (
        "全指標の公開ページ用の進捗判定を、公開中の値から判定し直して保存します"
        "（通常は値の保存のたびに更新されるため、一括で書き込んだ後などに使います）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale", action="store_true", help="判定がない指標と、別の版の規則で判定された指標だけを判定します。"
        )

    def handle(self, *args, stale, **options):
        with transaction.atomic():
            count = judgements.refresh_stale() if stale else judgements.refresh_all()
            if count:
                dataversion.bump()  # cached pages may show the judgements this replaced
        self.stdout.write(f"{count:,} indicators judged")
