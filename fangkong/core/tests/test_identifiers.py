from datetime import date

import pytest

from fangkong.core.errors import FieldError
from fangkong.core.identifiers import (
    id_check_char,
    mask_id_number,
    mask_phone,
    normalise_phone,
    parse_resident_id,
)


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_standard_worked_examples_are_valid(number):
    assert parse_resident_id(number).number == number


def test_lowercase_x_is_accepted_as_uppercase():
    assert parse_resident_id("11010519491231002x").number == "11010519491231002X"


def test_birth_date_and_sex_are_derived():
    parsed = parse_resident_id("11010519491231002X")
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sex == "F"  # sequence 002 is even
    assert parse_resident_id("440524188001010014").sex == "M"


@pytest.mark.parametrize(("number", "code"), [
    ("110105194912310021", "id_checksum"),
    ("11010519491231002", "id_format"),
    ("1101051949123100AX", "id_format"),
    ("110105194912310", "id_first_generation"),
    ("", "required"),
])
def test_bad_numbers_are_rejected_with_a_reason(number, code):
    with pytest.raises(FieldError) as exc:
        parse_resident_id(number)
    assert exc.value.code == code


def test_impossible_birth_date_with_valid_checksum_is_rejected():
    first17 = "11010520200230001"  # 30 February
    with pytest.raises(FieldError) as exc:
        parse_resident_id(first17 + id_check_char(first17))
    assert exc.value.code == "id_birth_date"


def test_future_birth_date_is_rejected():
    first17 = "11010520990101001"
    with pytest.raises(FieldError) as exc:
        parse_resident_id(first17 + id_check_char(first17), today=date(2026, 1, 1))
    assert exc.value.code == "id_birth_date"


@pytest.mark.parametrize("prefix", ["810000", "820000", "830000"])
def test_hong_kong_macau_taiwan_residence_permits_are_accepted(prefix):
    first17 = prefix + "19850315002"
    parsed = parse_resident_id(first17 + id_check_char(first17))
    assert parsed.is_hmt_permit


def test_phone_rules():
    assert normalise_phone("+86 138-1234-5678") == "13812345678"
    assert normalise_phone("0532-88881234") == "0532-88881234"
    for bad in ("12812345678", "1381234567", "abc"):
        with pytest.raises(FieldError) as exc:
            normalise_phone(bad)
        assert exc.value.code == "phone_format"


def test_masks_keep_only_the_ends():
    assert mask_id_number("37021219900101123X") == "3702**********123X"
    assert mask_phone("13812345678") == "138****5678"


def test_full_width_digits_are_the_same_number():
    assert parse_resident_id("１１０１０５１９４９１２３１００２Ｘ").number == "11010519491231002X"
    assert normalise_phone("１３８１２３４５６７８") == "13812345678"
