"""The fields of the daily report the system cannot know: cases as told by the CDC, the area disinfected
(the disinfections themselves are counted from the sanitation log), businesses told to close, problems.
Typed by the office, marked as typed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from fangkong.core.errors import Code, FieldError, ValidationErrors

MAX_COUNT = 1_000_000


@dataclass(frozen=True)
class TypedField:
    key: str
    label_zh: str
    label: object  # lazy English label
    kind: str  # "count" (a non-negative integer) or "text"
    max_length: int = 0
    epidemic: bool = False  # a case makes a report non-zero (零报告 means no case)


TYPED_FIELDS: list[TypedField] = [
    TypedField("suspected_cases", "疑似病例(疾控告知)", _("Suspected cases (as told by the CDC)"), "count",
               epidemic=True),
    TypedField("confirmed_cases", "确诊病例(疾控告知)", _("Confirmed cases (as told by the CDC)"), "count",
               epidemic=True),
    TypedField("close_contacts", "密切接触者(疾控认定)", _("Close contacts (as determined by the CDC)"), "count",
               epidemic=True),
    TypedField("disinfection", "消毒面积及说明", _("Area disinfected and notes"), "text", 200),
    TypedField("businesses_closed", "歇业劝导(场所数)", _("Businesses told to close"), "count"),
    TypedField("problems", "存在问题", _("Problems"), "text", 1000),
    TypedField("other", "其他情况", _("Other"), "text", 1000),
]
TYPED_KEYS = [f.key for f in TYPED_FIELDS]


def typed_clean(data: dict[str, Any]) -> dict[str, int | str]:
    """The typed fields validated: counts are non-negative integers (blank = 0), texts within their length.
    Keys not in TYPED_FIELDS are refused rather than dropped, so a typo in an API call is seen."""
    errors: list[FieldError] = []
    unknown = set(data) - set(TYPED_KEYS)
    for key in sorted(unknown):
        errors.append(FieldError(key, Code.INVALID, _("Not a field of the daily report")))
    clean: dict[str, int | str] = {}
    for f in TYPED_FIELDS:
        value = data.get(f.key)
        if f.kind == "count":
            if value is None or value == "":
                clean[f.key] = 0
                continue
            try:
                number = int(str(value).strip())
            except ValueError:
                errors.append(FieldError(f.key, Code.NOT_INTEGER, _("Enter a whole number")))
                continue
            if isinstance(value, float) and value != number:
                errors.append(FieldError(f.key, Code.NOT_INTEGER, _("Enter a whole number")))
            elif not 0 <= number <= MAX_COUNT:
                errors.append(FieldError(f.key, Code.OUT_OF_RANGE, _("Enter a number from 0 to 1000000")))
            else:
                clean[f.key] = number
        else:
            text = str(value or "").strip()
            if len(text) > f.max_length:
                errors.append(FieldError(f.key, Code.TOO_LONG, _("At most %(limit)s characters")
                                         % {"limit": f.max_length}))
            else:
                clean[f.key] = text
    if errors:
        raise ValidationErrors(errors)
    return clean


def typed_defaults() -> dict[str, int | str]:
    return {f.key: 0 if f.kind == "count" else "" for f in TYPED_FIELDS}
