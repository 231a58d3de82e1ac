"""Builds the package with the browser libraries from npm inside it (vendor_static.py); the rest of the
project's metadata is in pyproject.toml."""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

sys.path.insert(0, str(Path(__file__).resolve().parent))
import vendor_static  # beside this file, not an installed module


class BuildWithBrowserLibraries(build_py):
    def run(self) -> None:
        if vendor_static.npm_install():
            vendor_static.copy()
        else:
            print("warning: npm not found; the package is built without its browser libraries "
                  "(the gate console's camera)", file=sys.stderr)
        super().run()


setup(cmdclass={"build_py": BuildWithBrowserLibraries})
