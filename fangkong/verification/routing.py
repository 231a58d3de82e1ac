"""Where each row of a list goes: to the community where the person is registered (by the ID number's
blind index), else to the community where the address lies, else it stays with the street.

The matching is done by the database in bulk, a query per 5,000 rows: the blind indexes against the
registry, the normalised addresses against the street's households. Only the last resort, an address
that names a community (its name or its address), is compared in Python, against the street's few
communities.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import F, Value
from django.db.models.functions import Replace

from fangkong.registry.models import Community, Household, Person, Street
from fangkong.verification.models import VerificationRow
from fangkong.verification.reading import ListRow

CHUNK = 5000  # under SQLite's limit of bound parameters


@dataclass(frozen=True)
class Route:
    community_id: int | None
    routed_by: str
    person_id: int | None = None
    registered_elsewhere: bool = False


def normalise_address(text: str) -> str:
    """Full-width letters and digits to ASCII, every space (full-width too) removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def route_rows(*, street: Street, rows: list[ListRow]) -> list[Route]:
    by_person = _people(street, [r.id_hash for r in rows])
    routes: list[Route | None] = []
    for r in rows:
        found = by_person.get(r.id_hash)
        if found is None:
            routes.append(None)
        elif found[2] == street.id:
            routes.append(Route(found[1], VerificationRow.Route.ID_NUMBER, person_id=found[0]))
        else:
            routes.append(Route(None, VerificationRow.Route.NONE, registered_elsewhere=True))
    pending = [i for i, route in enumerate(routes) if route is None and rows[i].address]
    by_address = _households(street, {normalise_address(rows[i].address) for i in pending})
    named = _community_names(street)
    for i in pending:
        address = normalise_address(rows[i].address)
        community_id = by_address.get(address) or _named_in(address, named)
        if community_id:
            routes[i] = Route(community_id, VerificationRow.Route.ADDRESS)
    return [route or Route(None, VerificationRow.Route.NONE) for route in routes]


def _people(street: Street, hashes: list[str]) -> dict[str, tuple[int, int, int]]:
    """Blind index → (person id, community id, street id) of registered people (not purged), anywhere."""
    found: dict[str, tuple[int, int, int]] = {}
    for i in range(0, len(hashes), CHUNK):
        rows = (Person.objects.filter(id_number_hash__in=hashes[i:i + CHUNK], purged_at__isnull=True)
                .values_list("id_number_hash", "id", "community_id", "community__street_id"))
        for hash_, pk, community_id, street_id in rows:
            found[hash_] = (pk, community_id, street_id)
    return found


def _households(street: Street, addresses: set[str]) -> dict[str, int]:
    """Normalised address → community id, for the street's households whose address is one of them. The
    households' addresses are normalised in SQL (spaces, ASCII and full-width, removed); an address held
    by households of two communities goes to the first."""
    wanted = sorted(a for a in addresses if a)
    found: dict[str, int] = {}
    normalised = Replace(Replace(F("address"), Value(" "), Value("")), Value("\u3000"), Value(""))
    for i in range(0, len(wanted), CHUNK):
        rows = (Household.objects.filter(community__street=street).annotate(norm=normalised)
                .filter(norm__in=wanted[i:i + CHUNK]).order_by("community_id").values_list("norm", "community_id"))
        for norm, community_id in rows:
            found.setdefault(norm, community_id)
    return found


def _community_names(street: Street) -> list[tuple[str, int]]:
    """(normalised name or address, community id) of the street's communities, longest first: "孙家下庄社区"
    must win over a shorter name it contains."""
    names = []
    for pk, name, address in Community.objects.filter(street=street).values_list("id", "name", "address"):
        for text in (name, address):
            if normalise_address(text):
                names.append((normalise_address(text), pk))
    return sorted(names, key=lambda item: -len(item[0]))


def _named_in(address: str, names: list[tuple[str, int]]) -> int | None:
    for text, community_id in names:
        if text in address:
            return community_id
    return None
