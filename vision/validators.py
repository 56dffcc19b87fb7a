from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .lgcode import check_digit, is_valid_lg_code


def validate_lg_code(value):
    """Refuse a 全国地方公共団体コード that is not six digits or whose check digit is wrong."""
    if is_valid_lg_code(value):
        return
    if not (isinstance(value, str) and len(value) == 6 and value.isascii() and value.isdigit()):
        raise ValidationError(
            _("地方公共団体コードは半角数字6桁で入力してください（例: 431001）。"),
            code="lg_code_format",
        )
    raise ValidationError(
        _("地方公共団体コード %(value)s の検査数字が正しくありません（正しくは %(expected)s）。"),
        code="lg_code_check_digit",
        params={"value": value, "expected": value[:5] + str(check_digit(value[:5]))},
    )
