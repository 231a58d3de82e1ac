"""The notices demo, made through the real services on the root fixtures' places."""

from __future__ import annotations

import pytest

from fangkong.demo.notices import load_notices_demo
from fangkong.notices.models import Notice, Posting
from fangkong.notices.selectors import public_notices

pytestmark = pytest.mark.django_db


def test_notices_demo(places, personas):
    home = places["home"]
    made = load_notices_demo(admin=personas["admin"], community=home)
    assert len(made) == 5
    titles = [n.title for n in public_notices(home)]
    assert len(titles) == 4 and "严禁上山 护林防火" in titles and "招募社区防疫志愿者" not in titles
    assert titles[0] == "新冠肺炎个人防护知识"  # newest first
    assert Posting.objects.filter(notice__community=home).count() >= 8
    assert not Posting.objects.filter(notice__published_at__isnull=True).exists()
    # Loading twice adds nothing.
    load_notices_demo(admin=personas["admin"], community=home)
    assert Notice.objects.filter(community=home).count() == 5
