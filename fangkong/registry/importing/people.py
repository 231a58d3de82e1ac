"""`import_people`: read the file, check every row, and only if nothing is wrong write it all at once."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Perm
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services import audit_record, require
from fangkong.core.dates import local_today
from fangkong.core.errors import NotFound
from fangkong.registry.importing.check import Context, Progress, check_rows
from fangkong.registry.importing.errors import RowError
from fangkong.registry.importing.read import read_rows
from fangkong.registry.importing.write import write_people
from fangkong.registry.models import Community, Tag


@dataclass
class ImportResult:
    ok: bool
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    households_created: int = 0
    people_created: int = 0
    tenancies_created: int = 0


def import_people(
    *, actor: User, community: Community, path: Path, progress: Progress | None = None, via: str = "web"
) -> ImportResult:
    """Validate the whole file, then import it in one transaction; on any error import nothing.

    A file that cannot be read at all raises `ImportFileError`; problems in rows come back in the result.
    """
    require(actor, Perm.IMPORT_REGISTRY)
    if not scope_of(actor).covers_whole_community(community.id):
        raise NotFound(_("No such community in your scope"))
    with _cyclic_gc_paused():
        return _import(actor, community, path, progress or (lambda phase, done, total: None), via)


def _import(actor: User, community: Community, path: Path, report: Progress, via: str) -> ImportResult:
    grids = {}
    for g in community.grids.all():
        grids[str(g.number)] = grids[g.name] = g
    tags = {}
    for t in Tag.objects.all():
        tags[t.code] = tags[t.name] = tags[t.name_en.lower()] = t
    ctx = Context(community=community, grids=grids, tags=tags, today=local_today())

    columns, rows = read_rows(path)
    try:
        checked = check_rows(columns, rows, ctx, report)
    finally:
        rows.close()  # the checks may stop early (too many rows or problems): so does a sheet's reader
    if checked.errors:
        return ImportResult(ok=False, rows=len(checked.records), errors=checked.errors)

    total = len(checked.records)
    report("importing", 0, total)
    with transaction.atomic():
        written = write_people(community, checked, tags, report)
        audit_record(actor=actor, action="import", object_type="person", community_id=community.id,
                     count=written.people, fields=[c.key for c in columns if c], via=via)
    report("done", total, total)
    return ImportResult(ok=True, rows=total, households_created=written.households,
                        people_created=written.people, tenancies_created=written.tenancies)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """An import makes millions of small objects and keeps most of them until it ends, so the cyclic
    garbage collector rescans an ever larger heap for nothing: a third of the time of a 50,000-row
    import. Reference counting still frees everything as usual, and the collector is back as it was
    when the import ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
