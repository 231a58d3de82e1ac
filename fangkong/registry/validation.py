"""Turn raw person fields (a form, a JSON body, an import row) into clean values or field errors.

Every edge uses this one function, so the web form, the API and the import reject the same input
for the same reason with the same code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _

from fangkong.core.errors import Code, FieldError, ValidationErrors
from fangkong.core.identifiers import (
    normalise_other_document,
    normalise_phone,
    parse_resident_id,
)
from fangkong.registry.errors import RegistryCode
from fangkong.registry.models import Membership, Person

# Accept the Chinese labels people type in spreadsheets as well as the codes.
SEX_WORDS = {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F"}
ID_TYPE_WORDS = {
    "身份证": Person.IdType.RESIDENT_ID,
    "居民身份证": Person.IdType.RESIDENT_ID,
    "居住证": Person.IdType.HMT_PERMIT,
    "港澳台居民居住证": Person.IdType.HMT_PERMIT,
    "护照": Person.IdType.PASSPORT,
    "其他": Person.IdType.OTHER,
}
CATEGORY_WORDS = {
    "户籍人口": Person.Category.REGISTERED,
    "户籍居民": Person.Category.REGISTERED,
    "人户分离": Person.Category.UNREGISTERED,
    "常住非户籍": Person.Category.UNREGISTERED,
    "流动人口": Person.Category.FLOATING,
    "外来人口": Person.Category.FLOATING,
    "租户": Person.Category.TENANT,
    "租住人员": Person.Category.TENANT,
}
RELATION_WORDS = {
    "户主": Membership.Relation.HEAD,
    "本人": Membership.Relation.HEAD,
    "配偶": Membership.Relation.SPOUSE,
    "妻": Membership.Relation.SPOUSE,
    "夫": Membership.Relation.SPOUSE,
    "子女": Membership.Relation.CHILD,
    "子": Membership.Relation.CHILD,
    "女": Membership.Relation.CHILD,
    "父母": Membership.Relation.PARENT,
    "父亲": Membership.Relation.PARENT,
    "母亲": Membership.Relation.PARENT,
    "孙子女": Membership.Relation.GRANDCHILD,
    "兄弟姐妹": Membership.Relation.SIBLING,
    "其他亲属": Membership.Relation.RELATIVE,
    "租户": Membership.Relation.TENANT,
    "其他": Membership.Relation.OTHER,
}


@dataclass
class PersonData:
    name: str
    id_type: str
    id_number: str
    sex: str = ""
    birth_date: date | None = None
    phone: str = ""
    category: str = Person.Category.REGISTERED
    workplace: str = ""
    tags: list[str] = field(default_factory=list)


def _choice(value: str, choices, words: Mapping[str, str], field_name: str, label: str) -> str:
    v = (value or "").strip()
    if v in choices.values:
        return v
    if v in words:
        return words[v]
    if v.lower() in words:
        return words[v.lower()]
    allowed = "、".join(list(words)[:8])
    raise FieldError(field_name, Code.INVALID_CHOICE, _("%(label)s must be one of: %(allowed)s") % {
        "label": label, "allowed": allowed})


def parse_relation(value: str) -> str:
    return _choice(value, Membership.Relation, RELATION_WORDS, "relation", _("Relation"))


def parse_date(value, field_name: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    for sep in ("年", "月"):
        text = text.replace(sep, "-")
    text = text.rstrip("日")
    try:
        parts = [int(p) for p in text.split("-")]
        return date(parts[0], parts[1], parts[2])
    except (ValueError, IndexError):
        raise FieldError(field_name, Code.DATE_FORMAT, _("Dates are written 2020-02-24")) from None


def person_data_from(raw: Mapping[str, object], *, known_tags: set[str] | None = None) -> PersonData:
    """Validate every field and raise all problems at once, so a form or a row shows them together."""
    errors: list[FieldError] = []

    def attempt(fn, *args):
        try:
            return fn(*args)
        except FieldError as e:
            errors.append(e)
            return None

    name = str(raw.get("name") or "").strip()
    if not name:
        errors.append(FieldError("name", Code.REQUIRED, _("Name is required")))
    elif len(name) > 64:
        errors.append(FieldError("name", Code.TOO_LONG, _("A name has at most 64 characters")))

    id_type = attempt(
        _choice, str(raw.get("id_type") or Person.IdType.RESIDENT_ID), Person.IdType, ID_TYPE_WORDS,
        "id_type", _("ID type"),
    )
    id_number = ""
    sex = ""
    birth = None
    raw_sex = str(raw.get("sex") or "").strip()
    if raw_sex:
        sex = attempt(_choice, raw_sex, Person.Sex, SEX_WORDS, "sex", _("Sex")) or ""
    raw_birth = attempt(parse_date, raw.get("birth_date"), "birth_date")
    if id_type in (Person.IdType.RESIDENT_ID, Person.IdType.HMT_PERMIT):
        parsed = attempt(parse_resident_id, str(raw.get("id_number") or ""))
        if parsed:
            id_number = parsed.number
            if id_type == Person.IdType.RESIDENT_ID and parsed.is_hmt_permit:
                id_type = Person.IdType.HMT_PERMIT
            if sex and sex != parsed.sex:
                errors.append(FieldError("sex", RegistryCode.ID_SEX_MISMATCH, _("Sex does not match the ID number")))
            if raw_birth and raw_birth != parsed.birth_date:
                errors.append(
                    FieldError("birth_date", RegistryCode.ID_BIRTH_MISMATCH,
                               _("Birth date does not match the ID number"))
                )
            sex, birth = parsed.sex, parsed.birth_date
    elif id_type:
        id_number = attempt(normalise_other_document, str(raw.get("id_number") or "")) or ""
        birth = raw_birth

    phone = ""
    if str(raw.get("phone") or "").strip():
        phone = attempt(normalise_phone, str(raw.get("phone"))) or ""

    category = attempt(
        _choice, str(raw.get("category") or Person.Category.REGISTERED), Person.Category, CATEGORY_WORDS,
        "category", _("Residence category"),
    )
    workplace = str(raw.get("workplace") or "").strip()[:128]

    raw_tags = raw.get("tags") or []
    if isinstance(raw_tags, str):
        raw_tags = [t for t in raw_tags.replace("，", ",").replace("、", ",").split(",") if t.strip()]
    tags = [str(t).strip() for t in raw_tags]
    if known_tags is not None:
        unknown = [t for t in tags if t not in known_tags]
        if unknown:
            errors.append(FieldError("tags", RegistryCode.UNKNOWN_TAG,
                                      _("Unknown tag: %(tags)s") % {"tags": "、".join(unknown)}))

    if errors:
        raise ValidationErrors(errors)
    return PersonData(
        name=name, id_type=id_type, id_number=id_number, sex=sex, birth_date=birth, phone=phone,
        category=category, workplace=workplace, tags=tags,
    )
