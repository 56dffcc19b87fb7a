import sys

from django.core.management.base import BaseCommand

from kpi import opendata
from kpi.selectors import open_data_series


class Command(BaseCommand):
    """Write every series value as the long open-data table to standard output (or a file)."""

    help = "系列の値をオープンデータ形式（1行1値）で標準出力に書き出します。"

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--encoding", choices=["utf-8-sig", "cp932"], default="utf-8-sig", help="CSV の文字コード")
        parser.add_argument("--output", "-o", help="書き出すファイル（省略時は標準出力）")

    def handle(self, *args, format, encoding, output, **options):
        series = open_data_series()
        pieces = (
            opendata.iter_csv_series(series, encoding=encoding)
            if format == "csv"
            else opendata.iter_json_series(series)
        )
        if output:
            with open(output, "wb") as handle:
                handle.writelines(pieces)
        else:
            sys.stdout.flush()
            for piece in pieces:
                sys.stdout.buffer.write(piece)
            sys.stdout.buffer.flush()
