"""Numbers as staff type them and Japanese tables print them.

Accepted: 1,234 / 1234.5 / full-width digits and signs (１２３, －５, ，, ．) / △12 and ▲12 for negatives, as
Japanese tables write them / a minus sign (−, U+2212) / surrounding spaces. A dash alone (―, -, ー) means
"no value". Refused, with a Japanese message: anything else, thousands separators in the wrong place, and more
decimal places than the indicator shows.
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

NEGATIVE_MARKS = ("△", "▲", "−", "-", "‐", "－")
NO_VALUE_MARKS = {"―", "-", "ー", "－", "—", "–", "‐"}
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^\d+(\.\d+)?$")


class NumberError(ValueError):
    """A value that is not a number as the portal reads numbers; the message is for the person who typed it."""


def is_no_value(text) -> bool:
    """True for an empty cell or a dash that Japanese tables use for 'no value'."""
    return text is None or str(text).strip() in NO_VALUE_MARKS or str(text).strip() == ""


def parse_number(text, decimals=None) -> Decimal:
    """Read one number; `decimals` caps the digits after the point. Raises NumberError with a message."""
    if isinstance(text, (int, Decimal)):
        value = Decimal(text)
    elif isinstance(text, float):
        value = Decimal(repr(text))
    else:
        raw = str(text)
        cleaned = unicodedata.normalize("NFKC", raw).strip().replace(" ", "")
        negative = False
        for mark in NEGATIVE_MARKS:
            if cleaned.startswith(mark):
                negative, cleaned = True, cleaned[len(mark) :]
                break
        cleaned = cleaned.lstrip("+")
        if not cleaned:
            raise NumberError(_("「%(text)s」は数値ではありません。") % {"text": raw})
        if "," in cleaned and not _GROUPED.match(cleaned):
            raise NumberError(_("「%(text)s」の桁区切りのカンマの位置が正しくありません。") % {"text": raw})
        if not _PLAIN.match(cleaned.replace(",", "")):
            raise NumberError(_("「%(text)s」は数値ではありません（例: 1,234、△12、0.56）。") % {"text": raw})
        try:
            value = Decimal(cleaned.replace(",", ""))
        except InvalidOperation as error:
            raise NumberError(_("「%(text)s」は数値ではありません。") % {"text": raw}) from error
        if negative:
            value = -value
    if not value.is_finite():  # a float NaN or infinity from a spreadsheet cell
        raise NumberError(_("「%(text)s」は数値ではありません（NaN・無限大は取り込めません）。") % {"text": text})
    if decimals is not None:
        exponent = value.normalize().as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        if places > decimals:
            if decimals == 0:
                raise NumberError(_("「%(text)s」: この指標は整数で入力してください。") % {"text": text})
            raise NumberError(
                _("「%(text)s」: この指標は小数点以下%(decimals)s桁までで入力してください。")
                % {"text": text, "decimals": decimals}
            )
    return value
