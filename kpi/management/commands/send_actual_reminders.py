from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.dateparse import parse_date

from kpi.reminders import OVERDUE
from kpi.selectors import outstanding_actuals


class Command(BaseCommand):
    """E-mail each department's staff the actuals they have not entered that are due soon or overdue.

    Meant to run daily from cron. One message per recipient lists all their outstanding actuals; a recipient
    with nothing outstanding gets nothing. Mail goes through Django's e-mail backend (console in development).
    """

    help = "締切が近い、または過ぎた未入力の実績値を、所管課の担当職員にメールで知らせます（毎日 cron で実行）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="この日付として判定する（YYYY-MM-DD、既定は今日）")
        parser.add_argument("--dry-run", action="store_true", help="送信せずに宛先と件数だけを表示する")

    def handle(self, *args, date=None, dry_run=False, **options):
        today = parse_date(date) if date else timezone.localdate()
        by_recipient = defaultdict(list)
        unowned = []
        for item in outstanding_actuals(today):
            department = item.indicator.department
            recipients = set()
            if department is not None:
                recipients |= {user.email for user in department.staff.filter(is_active=True) if user.email}
                if department.email:
                    recipients.add(department.email)
            if not recipients:
                unowned.append(item)
            for address in recipients:
                by_recipient[address].append(item)
        for address, items in sorted(by_recipient.items()):
            lines = []
            for item in items:
                state = "締切を過ぎています" if item.state == OVERDUE else "締切が近づいています"
                lines.append(
                    f"- {item.indicator.name}（{item.indicator.code}）{item.fiscal_year}年度の実績値: "
                    f"{state}（締切 {item.due:%Y-%m-%d}）"
                )
            body = "\n".join(
                ["次の指標の実績値が未入力です。管理画面の「実績値の入力」から入力してください。", "", *lines]
            )
            if dry_run:
                self.stdout.write(f"{address}: {len(items)} 件")
                continue
            send_mail(
                subject=f"【熊本連携中枢都市圏ポータル】未入力の実績値 {len(items)} 件",
                message=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[address],
            )
        for item in unowned:
            self.stderr.write(
                f"宛先のない未入力: {item.indicator.code} {item.fiscal_year}年度（所管課・担当職員を設定してください）"
            )
        self.stdout.write(f"{len(by_recipient)} 人に送信対象、未入力 {sum(len(v) for v in by_recipient.values())} 件。")
