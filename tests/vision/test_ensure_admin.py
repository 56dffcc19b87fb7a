import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("admin", "このパスワードは短すぎます。最低 8 文字以上必要です。"),
        ("password", "このパスワードは一般的すぎます。"),
        ("20260401", "このパスワードは数字しか使われていません。"),
        ("admin@example.com", "このパスワードは メールアドレス と似すぎています。"),
    ],
)
def test_a_weak_admin_password_is_refused_with_the_validators_message(monkeypatch, password, message):
    monkeypatch.setenv("DJANGO_ADMIN_PASSWORD", password)

    with pytest.raises(CommandError) as error:
        call_command("ensure_admin")

    assert message in str(error.value)
    assert not get_user_model().objects.filter(username="admin").exists()


def test_a_strong_admin_password_is_used(monkeypatch):
    monkeypatch.setenv("DJANGO_ADMIN_PASSWORD", "Aso-Kumamoto-2016-Castle")

    call_command("ensure_admin")

    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password("Aso-Kumamoto-2016-Castle")


def test_without_a_password_one_is_generated(monkeypatch, capsys):
    monkeypatch.delenv("DJANGO_ADMIN_PASSWORD", raising=False)

    call_command("ensure_admin")

    admin = get_user_model().objects.get(username="admin")
    assert admin.has_usable_password()
    assert "パスワード" in capsys.readouterr().out
