"""The offline console's version and the static files its service worker keeps.

The version is the package's plus a digest of every byte the offline console runs (`fangkong/static/gates/**`,
the vendored libraries it uses and the page's shell): any change to them is a new service worker, which
the browser installs on its next online load, so a device never mixes files of two releases. Static URLs
carry no hash here (WhiteNoise's CompressedStaticFilesStorage), hence the version in the cache's name.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static

import fangkong

STATIC = Path(fangkong.__file__).parent / "static"
# Folders (under fangkong/static) whose files the offline console loads.
OFFLINE_DIRS = ("gates", "vendor/jsqr", "vendor/@noble", "vendor/idb")
# The page's shell from base.html (htmx comes from django-htmx's own static files).
SHELL = ("fangkong/app.css", "fangkong/app.js", "fangkong/favicon.svg", "django_htmx/htmx-2.min.js")
CACHED_SUFFIXES = {".js", ".css", ".svg", ".png", ".webp", ".ico", ".json", ".woff2"}
SKIPPED = {"gates/roster.css"}  # the roster is an office page, never opened offline


def _files() -> list[tuple[str, Path]]:
    """(static path, file) of every file the offline console needs, in a stable order."""
    out: dict[str, Path] = {}
    for folder in OFFLINE_DIRS:
        root = STATIC / folder
        for f in sorted(root.rglob("*")) if root.is_dir() else []:
            rel = f.relative_to(STATIC).as_posix()
            if f.is_file() and rel not in SKIPPED:
                out[rel] = f
    for rel in SHELL:
        found = finders.find(rel)
        if found:
            out[rel] = Path(found)
    return sorted(out.items())


@lru_cache(maxsize=1)
def app_version() -> str:
    digest = hashlib.sha256()
    for rel, f in _files():
        digest.update(rel.encode() + b"\0" + f.read_bytes() + b"\0")
    return f"{fangkong.__version__}-{digest.hexdigest()[:10]}"


@lru_cache(maxsize=1)
def precache_urls() -> list[str]:
    """The static URLs the service worker fetches when it installs (licences and notices left out)."""
    urls: list[str] = []
    for rel, f in _files():
        if f.suffix in CACHED_SUFFIXES:
            # {% static %} writes "@" as "%40", a module's relative import keeps "@": the cache has both.
            urls += dict.fromkeys([static(rel), settings.STATIC_URL + rel])
    return urls
