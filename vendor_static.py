"""Copy the browser libraries the app serves from npm's node_modules into the package's static files.

The console's QR decoder (and later chart libraries) come from the npm registry, pinned in
package-lock.json. They are copied, with their licences, into `fangkong/static/vendor/<name>/` so that
they ship inside the wheel and any install serves them without npm: `setup.py` runs this while building
(and runs `npm ci` first if node_modules is missing); `./run` runs it after `npm ci`. The generated
directory is not committed (.gitignore).

Which files of each package are copied is the `staticVendor` map of package.json.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
TARGET = ROOT / "fangkong" / "static" / "vendor"


def manifest() -> dict[str, list[str]]:
    return json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["staticVendor"]


def npm_install() -> bool:
    """`npm ci` of the runtime packages when node_modules lacks them; False when npm is not there."""
    if all((ROOT / "node_modules" / name).is_dir() for name in manifest()):
        return True
    npm = shutil.which("npm")
    if npm is None:
        return False
    subprocess.run([npm, "ci", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error"],
                   cwd=ROOT, check=True)
    return True


def copy(target: Path = TARGET) -> list[Path]:
    """Copy each package's listed files (its licence among them) into target/<name>/; returns the files."""
    copied = []
    for name, files in manifest().items():
        source = ROOT / "node_modules" / name
        out = target / name
        if out.exists():
            shutil.rmtree(out)
        for rel in files:
            src = source / rel
            if not src.is_file():
                raise FileNotFoundError(f"{src} (listed in package.json staticVendor) is missing: run npm ci")
            dst = out / Path(rel).name
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
            copied.append(dst)
    return copied


def main() -> int:
    if not npm_install():
        print("npm not found: the gate console's camera scanning is unavailable in this install", file=sys.stderr)
        return 1
    for path in copy():
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
