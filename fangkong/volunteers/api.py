"""API of the volunteers app (mounted under /api/v1/ by fangkong/api.py)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["volunteers"])
