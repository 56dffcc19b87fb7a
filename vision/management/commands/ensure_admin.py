import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    """Make sure a local administrator exists, printing a generated password the first time.

    The password comes from DJANGO_ADMIN_PASSWORD when set, and must pass AUTH_PASSWORD_VALIDATORS like any
    other password (createsuperuser and the admin's forms check them too); otherwise one is generated and printed
    once. An existing account is left as it is (reset it with `manage.py changepassword admin`).
    """

    help = "ローカル開発用の管理者アカウントがなければ作成し、パスワードを表示します。"

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--email", default="admin@example.com")

    def handle(self, *args, username, email, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(
                f"管理者アカウント「{username}」は既にあります"
                f"（パスワードの再設定: python manage.py changepassword {username}）。"
            )
            return
        password = os.environ.get("DJANGO_ADMIN_PASSWORD")
        if password:
            try:
                validate_password(password, user=User(username=username, email=email))
            except ValidationError as error:
                reasons = " ".join(error.messages)
                raise CommandError(
                    f"DJANGO_ADMIN_PASSWORD は使えません: {reasons} 別のパスワードを設定してください。"
                ) from error
        else:
            password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email=email, password=password)
        self.stdout.write(
            self.style.SUCCESS(f"管理者アカウントを作成しました: ユーザー名 {username} / パスワード {password}")
        )
