"""Registry endpoints: places and people, scoped to the token's user, masked unless revealed."""


from typing import Literal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema, Status

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm
from fangkong.accounts.services import require
from fangkong.core.errors import FieldError, NotFound
from fangkong.core.paging import CURSOR_MAX, CURSOR_PATTERN, MAX_LIMIT, set_next_headers
from fangkong.registry import selectors, services
from fangkong.registry.errors import RegistryCode
from fangkong.registry.flags import person_flags
from fangkong.registry.models import Person
from fangkong.registry.validation import parse_relation, person_data_from

router = Router(tags=["registry"])
PK = Path(..., ge=1, le=2**62)
NO_NUL = r"^[^\x00]*$"  # PostgreSQL text cannot hold NUL: refuse it at the edge (400), not at INSERT (500)
SafeText = Field("", max_length=64, pattern=NO_NUL)  # a field of a Schema
# The same for a view's own parameter: Ninja reads only Query()/Path() there, and would take a bare
# Field() as the parameter's *default value* (a FieldInfo reaching the selector, and an unencodable schema).
SafeQuery = Query("", max_length=64, pattern=NO_NUL)


class Paging(Schema):
    """limit/offset as before (any integer: one past 2**63 would break the SQL, so bounded), and a cursor:
    the `cursor` of a previous answer's `Link`/`X-Next-Cursor` continues after its last row, whatever the
    offset. More than MAX_LIMIT rows are served as MAX_LIMIT."""

    limit: int = Field(100, ge=1, le=2**62)
    offset: int = Field(0, ge=0, le=2**62)
    cursor: str = Field("", max_length=CURSOR_MAX, pattern=CURSOR_PATTERN)


class CountedPage(Schema):
    count: int = Field(..., description="Exact up to 10,000; past that 10,000 with count_more true")
    count_more: bool = Field(False, description="True when there are more than `count`")


class CommunityOut(Schema):
    code: str
    name: str
    street: str = Field(..., alias="street.name")


class GridOut(Schema):
    id: int
    community: str = Field(..., alias="community.code")
    number: int
    name: str


class HouseholdOut(Schema):
    id: int
    community: str = Field(..., alias="community.code")
    grid: int = Field(..., alias="grid.number")
    building: str = Field(..., alias="building.name")
    unit: str
    room: str
    address: str
    member_count: int = 0


class PersonOut(Schema):
    id: int
    name: str
    sex: str
    age: int | None = Field(None, description="Only for roles that may reveal ID numbers; null otherwise")
    age_band: str | None = Field(None, description="The age by decade, e.g. 30-39: what the other roles see")
    id_type: str
    id_number: str
    phone: str
    category: str
    workplace: str
    tags: list[str]
    community: str
    grid: int | None
    household: int | None
    address: str | None
    flags: list[str] = Field(default_factory=list, description="e.g. key_area: a key-area stay or case contact "
                             "inside the policy window")


class PersonIn(Schema):
    name: str = Field(..., min_length=1, max_length=64, pattern=NO_NUL)
    id_type: Literal["resident_id", "hmt_permit", "passport", "other"] = "resident_id"
    id_number: str = Field(..., max_length=32)
    sex: Literal["", "M", "F"] = ""
    phone: str = Field("", max_length=20)
    category: Literal["registered", "unregistered", "floating", "tenant"] = "registered"
    workplace: str = Field("", max_length=128, pattern=NO_NUL)
    tags: list[str] = Field(default_factory=list, max_length=20)
    household: int = Field(..., ge=1, le=2**62)
    relation: str = Field("head", max_length=16)


class HouseholdPage(CountedPage):
    items: list[HouseholdOut]


class PersonPage(CountedPage):
    items: list[PersonOut]


class PeopleFilter(Schema):
    q: str = SafeText
    grid: int | None = Field(None, ge=1, le=2**62)
    category: Literal["", "registered", "unregistered", "floating", "tenant"] = ""
    tag: str = Field("", max_length=32, pattern=r"^[a-z_]*$")


def person_out(p: Person, *, actor: User, id_number: str | None = None, phone: str | None = None,
               flags: list[str] | None = None) -> dict:
    # Birth date is left out on purpose: with the masked ID it would give away 14 of its 18 characters; the
    # exact age too, to roles that may not reveal (selectors.person_age_for).
    age, age_band = selectors.person_age_for(actor=actor, birth_date=p.birth_date)
    return {
        "id": p.id, "name": p.name, "sex": p.sex, "age": age, "age_band": age_band, "id_type": p.id_type,
        "id_number": id_number or p.id_number_masked, "phone": phone or p.phone_masked,
        "category": p.category, "workplace": p.workplace, "tags": [t.code for t in p.tags.all()],
        "community": p.community.code, "grid": p.grid.number if p.grid else None,
        "household": p.household_id, "address": p.household.address if p.household else None,
        "flags": flags if flags is not None else [f.code for f in person_flags([p.id], reader=actor).get(p.id, [])],
    }


@router.get("/communities", response=list[CommunityOut], summary="Communities in scope")
def communities(request):
    return list(selectors.community_list(actor=request.user))


@router.get("/grids", response=list[GridOut], summary="Grids in scope")
def grids(request):
    return list(selectors.grid_list(actor=request.user))


@router.get("/households", response=HouseholdPage, summary="Households in scope; paged by offset or cursor "
            "(Link: rel=next, X-Next-Cursor)")
def households(request, response: HttpResponse, q: str = SafeQuery, grid: int | None = Query(None, ge=1, le=2**62),
               paging: Paging = Query(...)):
    page = selectors.household_page(actor=request.user, q=q, grid=grid, cursor=paging.cursor or None,
                                    offset=paging.offset, limit=min(paging.limit, MAX_LIMIT))
    set_next_headers(response, request, page.next_cursor)
    return {"items": page.items, "count": page.count, "count_more": page.count_more}


@router.get("/households/{pk}", response=HouseholdOut, summary="One household")
def household(request, pk: int = PK):
    return selectors.household_get(actor=request.user, pk=pk)


@router.get("/people", response=PersonPage, summary="People in scope (masked); q is a name, address, "
            "exact ID number or exact phone; paged by offset or cursor (Link: rel=next, X-Next-Cursor)")
def people(request, response: HttpResponse, filters: PeopleFilter = Query(...), paging: Paging = Query(...)):
    page = selectors.person_page(actor=request.user, q=filters.q, grid=filters.grid, category=filters.category,
                                 tag=filters.tag, via="api", cursor=paging.cursor or None, offset=paging.offset,
                                 limit=min(paging.limit, MAX_LIMIT))
    set_next_headers(response, request, page.next_cursor)
    # One call for the page's flags (key-area history…), with those this reader may see.
    flags = person_flags([p.id for p in page.items], reader=request.user)
    items = [person_out(p, actor=request.user, flags=[f.code for f in flags.get(p.id, [])]) for p in page.items]
    return {"items": items, "count": page.count, "count_more": page.count_more}


@router.get("/people/{pk}", response=PersonOut, summary="One person; ?reveal=id_number or phone (audited)")
def person(request, pk: int = PK, reveal: Literal["", "id_number", "phone"] = ""):
    p = selectors.person_get(actor=request.user, pk=pk)
    if reveal:
        value = services.person_reveal(actor=request.user, person=p, field=reveal, via="api")
        return person_out(p, actor=request.user, **{reveal: value})
    return person_out(p, actor=request.user)


@router.post("/people", response={201: PersonOut}, summary="Register a person in a household")
def person_create(request, body: PersonIn):
    require(request.user, Perm.EDIT_REGISTRY)
    try:
        hh = selectors.household_get(actor=request.user, pk=body.household)
    except NotFound:
        hh = None
    if hh is None:
        raise FieldError("household", RegistryCode.UNKNOWN_HOUSEHOLD, "No such household in your scope")
    # Unknown tags are a 400 here, as in the import; person_register looks every tag up and expects it known.
    data = person_data_from(body.dict(), known_tags=set(services.tags_by_word()))
    p = services.person_register(actor=request.user, data=data, community=hh.community, household=hh,
                                 relation=parse_relation(body.relation))
    return Status(201, person_out(get_object_or_404(selectors.person_list(actor=request.user), pk=p.pk),
                                 actor=request.user))
