"""全国地方公共団体コード (JIS X 0402): the six-digit local government code and its check digit."""

import re

_FORMAT = re.compile(r"^[0-9]{6}$")
_WEIGHTS = (6, 5, 4, 3, 2)


def check_digit(first_five: str) -> int:
    """Return the check digit for the first five digits of a local government code.

    JIS X 0402: weigh the digits 6, 5, 4, 3, 2, sum, and take (11 − sum mod 11) mod 10.
    """
    total = sum(int(digit) * weight for digit, weight in zip(first_five, _WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def is_valid_lg_code(code: str) -> bool:
    """True when `code` is six ASCII digits whose last one is the right check digit."""
    if not isinstance(code, str) or not _FORMAT.match(code):
        return False
    return check_digit(code[:5]) == int(code[5])
