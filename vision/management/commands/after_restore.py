"""After a backup is restored (README: バックアップと復元): move the public data version past every number used
before the restore and empty the cache, so no page, API answer or chart cached before it is served again."""

from django.core.management.base import BaseCommand

from vision import dataversion


class Command(BaseCommand):
    help = (
        "バックアップを復元した後に実行します。公開データの版を復元前に使われたどの番号よりも先へ進め、"
        "キャッシュ（公開ページ・API・グラフ画像）を空にします。ジョブのキューには触れません。"
    )

    def handle(self, *args, **options):
        version, removed = dataversion.after_restore()
        if removed is None:
            emptied = (
                "このプロセスのキャッシュを空にしました"
                "（REDIS_URL なし: 各アプリサーバーのキャッシュはポータルの再起動で空になります）"
            )
        else:
            emptied = f"キャッシュのキー {removed} 件を削除しました"
        self.stdout.write(f"公開データの版を {version} に進め、{emptied}。")
