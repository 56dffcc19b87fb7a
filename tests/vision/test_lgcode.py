import csv
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from vision.lgcode import check_digit, is_valid_lg_code
from vision.validators import validate_lg_code

MEMBERS_CSV = Path(__file__).resolve().parents[3] / "shared" / "reference" / "members.csv"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("431001", True),
        ("432041", True),
        ("434477", True),
        ("431002", False),
        ("43100", False),
        ("４３１００１", False),
    ],
)
def test_is_valid_lg_code(code, expected):
    assert is_valid_lg_code(code) is expected


def test_check_digit_follows_jis_x_0402():
    # 熊本市 43100: 4*6 + 3*5 + 1*4 + 0*3 + 0*2 = 43; 43 mod 11 = 10; (11 - 10) mod 10 = 1
    assert check_digit("43100") == 1


@pytest.mark.skipif(not MEMBERS_CSV.exists(), reason="shared/reference is beside the checkout only")
def test_every_member_code_in_the_reference_list_is_valid():
    with MEMBERS_CSV.open(encoding="utf-8") as handle:
        codes = [row["lg_code"] for row in csv.DictReader(handle)]
    assert len(codes) == 24
    assert all(is_valid_lg_code(code) for code in codes)


def test_validator_explains_a_wrong_check_digit_in_japanese():
    with pytest.raises(ValidationError) as error:
        validate_lg_code("431002")
    assert "検査数字" in error.value.messages[0]
    assert "431001" in error.value.messages[0]


def test_validator_explains_a_wrong_format_in_japanese():
    with pytest.raises(ValidationError) as error:
        validate_lg_code("43-100")
    assert "6桁" in error.value.messages[0]
