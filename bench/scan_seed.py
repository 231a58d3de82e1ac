"""Seed a benchmark database: one community, a gate, a guard with a token, N temporary passes.

Run by bench/scan_load.py with DATABASE_URL set; writes the pass file for the wrk script.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from fangkong.accounts.roles import Role  # noqa: E402
from fangkong.accounts.services import token_create, user_create  # noqa: E402
from fangkong.demo.synthetic import Generator, community_rows, write_csv  # noqa: E402
from fangkong.gates.models import Gate  # noqa: E402
from fangkong.passes.models import Pass  # noqa: E402
from fangkong.passes.services import pass_issue_bulk  # noqa: E402
from fangkong.registry.importing import import_people  # noqa: E402
from fangkong.registry.models import Person  # noqa: E402
from fangkong.registry.services import places_ensure, tags_ensure  # noqa: E402


def main(people: int, out: Path) -> None:
    call_command("migrate", verbosity=0)
    tags_ensure()
    community = places_ensure(community_code="BENCH", community_name="压测社区")
    admin = user_create(username="bench-admin", password="unused-bench-admin", role=Role.ADMINISTRATOR)  # noqa: S106
    guard = user_create(username="bench-guard", password="unused-bench-guard", role=Role.GUARD,  # noqa: S106
                        communities=[community])
    Gate.objects.create(community=community, code="bench-gate", name="压测门岗")
    rows = community_rows(gen=Generator(seed=1), community_name=community.name, grids=6,
                          households=max(1, people // 20), residents=max(1, people // 10),
                          landlords=max(1, people // 40), tenants=people)
    with tempfile.TemporaryDirectory() as tmp:
        result = import_people(actor=admin, community=community, path=write_csv(rows, Path(tmp) / "p.csv"))
    assert result.ok, result.errors[:3]
    floating = list(Person.objects.filter(community=community, category="floating"))
    pass_issue_bulk(actor=admin, community=community, kind="temporary", valid_from=date(2020, 1, 1),
                    valid_until=date(2099, 12, 31), people=floating)
    with out.open("w") as f:
        ids = {p.pk: p.id_number for p in floating}
        for number, person_id in Pass.objects.filter(kind="temporary").values_list("number", "person_id"):
            f.write(f"{number},{ids[person_id]}\n")
    print(token_create(user=guard))


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
