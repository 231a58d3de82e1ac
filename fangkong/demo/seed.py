"""`fangkong seed`: a synthetic district of many communities for benchmarks."""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.demo.synthetic import Generator, community_rows, write_csv
from fangkong.registry.importing import import_people
from fangkong.registry.models import Community, District, Street
from fangkong.registry.services import places_ensure, tags_ensure


def seed_district(*, communities: int, people: int, progress=None) -> list[Community]:
    tags_ensure()
    admin = User.objects.filter(role=Role.ADMINISTRATOR).order_by("id").first() or user_create(
        username="seed-admin", password=secrets.token_urlsafe(16), role=Role.ADMINISTRATOR)
    district, _ = District.objects.get_or_create(code="379999", defaults={"name": "合成区", "city": "演示市"})
    made = []
    gen = Generator(seed=4242 + Community.objects.count())
    existing = Community.objects.filter(code__startswith="SEED").count()
    for i in range(existing, existing + communities):
        street, _ = Street.objects.get_or_create(
            code=f"379999{i // 10:03d}", defaults={"district": district, "name": f"合成街道{i // 10 + 1}"}
        )
        community = places_ensure(community_code=f"SEED{i + 1:04d}", community_name=f"合成社区{i + 1}", grids=6,
                                  street=street)
        rows = community_rows(gen=gen, community_name=community.name, grids=6, households=max(1, people * 10 // 35),
                              residents=people - people // 8, landlords=max(1, people // 30), tenants=people // 8)
        with tempfile.TemporaryDirectory() as tmp:
            path = write_csv(rows, Path(tmp) / "seed.csv")
            result = import_people(actor=admin, community=community, path=path, progress=progress, via="seed")
        if not result.ok:
            raise RuntimeError(f"seed import failed: {result.errors[:3]}")
        made.append(community)
    return made
