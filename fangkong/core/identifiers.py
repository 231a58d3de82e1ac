"""Validation and normalisation of the identifiers people type at the edges.

Resident ID numbers follow GB 11643-1999: 6-digit address code, 8-digit birth date, 3-digit
sequence (odd = male), and an ISO 7064 MOD 11-2 check character. We check structure, checksum and
date ourselves rather than python-stdnum's birth-place table, which rejects the 810000/820000/830000
residence permits of Hong Kong, Macau and Taiwan residents and counties newer than its data.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from fangkong.core.errors import Code, FieldError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")
_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE_RE = re.compile(r"^0[0-9]{2,3}-?[0-9]{7,8}$")
PERMIT_PREFIXES = {"810000": "HK", "820000": "MO", "830000": "TW"}


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: date
    sex: str  # "M" or "F"
    is_hmt_permit: bool


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def _ascii(raw: str) -> str:
    """Full-width digits and letters (１２３ＡＢＣ) typed on Chinese keyboards become ASCII."""
    return unicodedata.normalize("NFKC", raw or "")


def normalise_id_number(raw: str) -> str:
    return re.sub(r"\s+", "", _ascii(raw)).upper()


def parse_resident_id(raw: str, *, today: date | None = None) -> ResidentId:
    """Validate an 18-character resident ID number; raise FieldError with a code saying why."""
    number = normalise_id_number(raw)
    if not number:
        raise FieldError("id_number", Code.REQUIRED, _("ID number is required"))
    if len(number) == 15 and number.isdigit():
        raise FieldError(
            "id_number", Code.ID_FIRST_GENERATION, _("15-digit first-generation ID numbers were retired in 2013")
        )
    if not _ID_RE.match(number):
        raise FieldError("id_number", Code.ID_FORMAT, _("An ID number has 17 digits and a check digit or X"))
    if id_check_char(number[:17]) != number[17]:
        raise FieldError("id_number", Code.ID_CHECKSUM, _("The check digit of the ID number is wrong"))
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise FieldError(
            "id_number", Code.ID_BIRTH_DATE, _("The ID number holds an impossible birth date")
        ) from None
    if birth.year < 1880 or birth > (today or date.today()):
        raise FieldError("id_number", Code.ID_BIRTH_DATE, _("The ID number holds an impossible birth date"))
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return ResidentId(number, birth, sex, number[:6] in PERMIT_PREFIXES)


def normalise_other_document(raw: str) -> str:
    number = re.sub(r"[\s-]+", "", _ascii(raw)).upper()
    if not number:
        raise FieldError("id_number", Code.REQUIRED, _("Document number is required"))
    if not re.fullmatch(r"[A-Z0-9]{5,20}", number):
        raise FieldError(
            "id_number", Code.DOCUMENT_FORMAT, _("A document number has 5 to 20 letters and digits")
        )
    return number


def normalise_phone(raw: str) -> str:
    """Mobile numbers (11 digits, 1[3-9]…) or landlines with area code; +86 and separators removed."""
    phone = re.sub(r"[\s()]+", "", _ascii(raw))
    if phone.startswith("+86"):
        phone = phone[3:]
    elif phone.startswith("0086"):
        phone = phone[4:]
    if _MOBILE_RE.match(phone.replace("-", "")):
        return phone.replace("-", "")
    if _LANDLINE_RE.match(phone):
        return phone
    raise FieldError(
        "phone", Code.PHONE_FORMAT, _("A phone number is 11 digits starting with 13-19, or a landline with area code")
    )


def mask_id_number(number: str) -> str:
    """3702**********123X: enough to tell people apart at a desk, not enough to use."""
    if len(number) <= 8:
        return number[:1] + "*" * (len(number) - 1)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    """138****5678."""
    digits = phone.replace("-", "")
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_ORDINARY = re.compile(rf"^[{_PROVINCES}][A-HJ-NP-Z][A-HJ-NP-Z0-9]{{4}}[A-HJ-NP-Z0-9挂学警港澳]$")
_PLATE_NEV = re.compile(rf"^[{_PROVINCES}][A-HJ-NP-Z](?:[DABCEFGHJK][A-HJ-NP-Z0-9]\d{{4}}|\d{{5}}[DABCEFGHJK])$")


def normalise_plate(raw: str) -> str:
    """GA 36-2018 ordinary (7) and new-energy (8) plates; spaces and the "·" separator removed."""
    plate = re.sub(r"[\s·.\-]+", "", raw or "").upper()
    if _PLATE_ORDINARY.match(plate) or _PLATE_NEV.match(plate):
        return plate
    raise FieldError("plate", Code.PLATE_FORMAT, _("Not a plate number such as 鲁B12345 or 鲁BD12345"))


def luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return number.isdigit() and len(number) >= 2 and luhn_digit(number[:-1]) == number[-1]


def mask_name(name: str) -> str:
    """张*, 王*明, J*** — enough for a guard to greet, not enough to look someone up."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
