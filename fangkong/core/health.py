"""Temperatures and symptoms as people type them at a door or a gate, and the fever rule."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.errors import Code, FieldError

# A body temperature outside this range is a typo (or a broken thermometer), not a reading.
LOWEST, HIGHEST = Decimal("34.0"), Decimal("43.0")


class Symptom(models.TextChoices):
    FEVER = "fever", _("fever")
    COUGH = "cough", _("cough")
    FATIGUE = "fatigue", _("fatigue")
    SORE_THROAT = "sore_throat", _("sore throat")
    SHORT_OF_BREATH = "short_of_breath", _("shortness of breath")
    DIARRHOEA = "diarrhoea", _("diarrhoea")
    LOSS_OF_SMELL = "loss_of_smell", _("loss of smell or taste")
    OTHER = "other", _("other")


def parse_temperature(value: object, field: str = "temperature", *, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise FieldError(field, Code.REQUIRED, _("Enter the temperature"))
        return None
    try:
        t = Decimal(str(value).strip().replace("，", ".").replace(",", "."))
        if not t.is_finite():  # "NaN", "inf": Decimal parses them, and comparing a NaN raises
            raise InvalidOperation
        t = t.quantize(Decimal("0.1"))
    except InvalidOperation:
        raise FieldError(field, Code.NOT_NUMBER, _("Enter a temperature such as 36.5")) from None
    if not LOWEST <= t <= HIGHEST:
        raise FieldError(field, Code.OUT_OF_RANGE, _("A body temperature lies between 34.0 and 43.0 °C"))
    return t


def parse_symptoms(values: Iterable[object] | None, field: str = "symptoms") -> list[str]:
    out: list[str] = []
    for v in values or []:
        if v not in Symptom.values:
            raise FieldError(field, Code.INVALID_CHOICE, _("Unknown symptom: %(v)s") % {"v": str(v)[:32]})
        if v not in out:
            out.append(str(v))
    return out


def is_fever(temperature: Decimal, *, threshold: object, comparison: str) -> bool:
    limit = Decimal(str(threshold))
    return temperature >= limit if comparison == ">=" else temperature > limit
