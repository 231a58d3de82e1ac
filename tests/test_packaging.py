"""The wheel carries the browser libraries from npm, with their licences: an install from it (no npm, no
node_modules) serves the gate console's QR decoder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIP = (".git", ".venv", "node_modules", "build", "fangkong-data", "__pycache__", "*.egg-info", "vendor",
        ".pytest_cache", ".ruff_cache")

# The package does not depend on the database: checked once, in the SQLite run.
pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="checked in the SQLite run")


def _run(*args: str | Path, cwd: Path) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the source tree (without the generated vendor directory)."""
    if not (ROOT / "node_modules" / "jsqr").is_dir() and shutil.which("npm") is None:
        pytest.fail("building the wheel needs npm or an installed node_modules (./run installs them)")
    src = tmp_path_factory.mktemp("src") / "fangkong"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(*SKIP))
    if (ROOT / "node_modules").is_dir():  # saves the build its `npm ci`: the same pinned packages
        (src / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", out, src, cwd=src)
    [built] = out.glob("fangkong-*.whl")
    return built


def test_the_wheel_ships_each_listed_library_with_its_licence(wheel):
    listed = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["staticVendor"]
    names = set(zipfile.ZipFile(wheel).namelist())
    for package, files in listed.items():
        for rel in files:
            assert f"fangkong/static/vendor/{package}/{Path(rel).name}" in names, (package, rel)
    assert "fangkong/static/vendor/jsqr/jsQR.js" in names and "fangkong/static/vendor/jsqr/LICENSE" in names


def test_an_install_from_the_wheel_has_the_consoles_qr_library(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    _run(python, "-m", "pip", "install", "--no-deps", "--quiet", "--disable-pip-version-check", wheel, cwd=tmp_path)
    # Where the installed package lives, asked of the fresh venv without importing it (no dependencies there).
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path).strip())
    library = site / "fangkong" / "static" / "vendor" / "jsqr" / "jsQR.js"
    assert library.is_file()
    assert library.read_bytes() == (ROOT / "node_modules" / "jsqr" / "dist" / "jsQR.js").read_bytes()
    assert "Apache License" in (library.parent / "LICENSE").read_text(encoding="utf-8")
