"""The Simplified Chinese catalogue is complete, compiled and in use: an untranslated string fails the build.

Source strings are English; zh-hans is the default language, so every msgid needs a msgstr. After adding or
changing a translatable string, refresh and compile the catalogue:

    cd fangkong && PYTHONPATH=.. python -m django makemessages -l zh_Hans --settings=fangkong.settings \\
        --ignore='tests/*' --ignore='*/tests/*' --no-obsolete
    # translate the new entries in fangkong/locale/zh_Hans/LC_MESSAGES/django.po, then
    cd .. && python manage.py compilemessages --ignore=.venv
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # fangkong/
LOCALE_DIR = PACKAGE_DIR / "locale"
PO_PATH = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# The same exclusions as the documented makemessages run.
IGNORE = ["tests/*", "*/tests/*", ".venv/*", "node_modules/*"]
GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib")
PLACEHOLDER_RE = re.compile(r"%\((\w+)\)[sdif]|%%")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # index 0 for a singular entry
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return " ".join(self.references) or "?"

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values()) and "fuzzy" not in self.flags


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(s: str) -> str:
    s = s.strip()
    assert s.startswith('"') and s.endswith('"'), s
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), s[1:-1])


def parse_po(text: str) -> list[Entry]:
    """A tiny .po reader: enough for what makemessages writes. Obsolete (#~) entries are left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None
    started_strings = False

    def finish() -> None:
        if entry is not None and started_strings:
            entries.append(entry)

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            finish()
            entry, target, started_strings = None, None, False
            continue
        if line.startswith("#~"):
            continue
        if entry is None or (started_strings and line.startswith("#")):
            finish()
            entry, target, started_strings = Entry(), None, False
        if line.startswith("#,"):
            entry.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
        elif line.startswith("#:"):
            entry.references.extend(line[2:].split())
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert target is not None, raw
            kind, index = target
            value = _unquote(line)
            if kind == "msgstr":
                entry.msgstr[index] += value
            else:
                setattr(entry, kind, getattr(entry, kind) + value)
        else:
            keyword, _, rest = line.partition(" ")
            started_strings = True
            value = _unquote(rest)
            plural = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if plural:
                target = ("msgstr", int(plural.group(1)))
                entry.msgstr[target[1]] = value
            elif keyword == "msgstr":
                target = ("msgstr", 0)
                entry.msgstr[0] = value
            elif keyword in ("msgid", "msgid_plural", "msgctxt"):
                target = (keyword, 0)
                setattr(entry, keyword, value)
            else:
                raise AssertionError(f"unexpected .po line: {raw!r}")
    finish()
    return entries


def read_mo(data: bytes) -> dict[str, str]:
    """Every original -> translation pair of a compiled GNU .mo file."""
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    _revision, count, originals, translations = struct.unpack(order + "4I", data[4:20])
    catalogue = {}
    for i in range(count):
        olen, ooff = struct.unpack(order + "2I", data[originals + 8 * i : originals + 8 * i + 8])
        tlen, toff = struct.unpack(order + "2I", data[translations + 8 * i : translations + 8 * i + 8])
        catalogue[data[ooff : ooff + olen].decode()] = data[toff : toff + tlen].decode()
    return catalogue


def mo_key_value(entry: Entry) -> tuple[str, str]:
    key = entry.msgid if entry.msgid_plural is None else f"{entry.msgid}\x00{entry.msgid_plural}"
    if entry.msgctxt is not None:
        key = f"{entry.msgctxt}\x04{key}"
    value = "\x00".join(entry.msgstr[i] for i in sorted(entry.msgstr))
    if key == "":  # msgfmt leaves POT-Creation-Date out of the compiled header
        value = "".join(line for line in value.splitlines(keepends=True) if not line.startswith("POT-Creation-Date:"))
    return key, value


def untranslated(entries: list[Entry]) -> list[str]:
    return [
        f"{e.where}: {e.msgid!r}" + (" (fuzzy)" if "fuzzy" in e.flags else "")
        for e in entries
        if e.msgid and not e.translated
    ]


@pytest.fixture(scope="module")
def po_text() -> str:
    assert PO_PATH.exists(), f"{PO_PATH} is missing: run makemessages -l zh_Hans"
    return PO_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def entries(po_text) -> list[Entry]:
    return parse_po(po_text)


def test_header_declares_simplified_chinese(entries):
    header = next(e for e in entries if e.msgid == "")
    assert "fuzzy" not in header.flags
    fields = dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)
    assert fields.get("Language") == "zh_Hans"
    assert fields.get("Content-Type") == "text/plain; charset=UTF-8"
    assert fields.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"


def test_every_entry_is_translated_and_none_is_fuzzy(po_text, entries):
    assert len(entries) > 100, "the catalogue looks truncated"
    assert "#, fuzzy" not in po_text, "remove the fuzzy flags once the translations are checked"
    missing = untranslated(entries)
    assert not missing, "untranslated entries in django.po:\n" + "\n".join(missing)


def test_plural_entries_have_exactly_one_form(entries):
    for e in entries:
        if e.msgid_plural is not None:
            assert sorted(e.msgstr) == [0], f"{e.where}: Chinese has one plural form: {e.msgid!r}"


def test_translations_keep_the_placeholders(entries):
    for e in entries:
        if not e.msgid:
            continue
        source = sorted(PLACEHOLDER_RE.findall(e.msgid) + PLACEHOLDER_RE.findall(e.msgid_plural or ""))
        for msgstr in e.msgstr.values():
            names = sorted(set(PLACEHOLDER_RE.findall(msgstr)))
            assert names == sorted(set(source)), f"{e.where}: placeholders differ in {e.msgid!r} -> {msgstr!r}"


def test_committed_mo_matches_the_po(entries):
    assert MO_PATH.exists(), f"{MO_PATH} is missing: run compilemessages"
    compiled = read_mo(MO_PATH.read_bytes())
    expected = dict(mo_key_value(e) for e in entries if e.msgid == "" or e.translated)
    stale = sorted(set(expected.items()) ^ set(compiled.items()))
    assert not stale, "django.mo is out of date, run compilemessages; differing entries: " + repr(stale[:10])


def test_committed_mo_is_what_msgfmt_makes(tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (GNU gettext) is not installed: cannot recompile the catalogue to compare bytes")
    fresh = tmp_path / "django.mo"
    # The options compilemessages uses; --check-format also rejects broken %(name)s placeholders.
    subprocess.run([msgfmt, "--check-format", "-o", str(fresh), str(PO_PATH)], check=True, capture_output=True)
    assert fresh.read_bytes() == MO_PATH.read_bytes(), "django.mo is out of date: run compilemessages"


def test_the_catalogue_is_used():
    with translation.override("zh-hans"):
        people = translation.gettext("People")
        households = translation.ngettext("%(n)s household", "%(n)s households", 3) % {"n": 3}
    assert people and people != "People"
    assert households != "3 households" and "3" in households
    with translation.override("en"):
        assert translation.gettext("People") == "People"
        assert translation.ngettext("%(n)s household", "%(n)s households", 3) % {"n": 3} == "3 households"


def test_every_string_in_the_code_is_translated(tmp_path):
    """Extract the strings of the code as it is now (into a copy) and check each has a Chinese translation."""
    absent = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if absent:
        pytest.skip(f"GNU gettext tools missing ({', '.join(absent)}): cannot extract the strings of the code")
    copy = tmp_path / "fangkong"
    shutil.copytree(
        PACKAGE_DIR,
        copy,
        ignore=shutil.ignore_patterns("tests", "__pycache__", "*.pyc", "*.mo", "node_modules", ".venv"),
    )
    # Minimal settings pointing LOCALE_PATHS at the copy, so the real catalogue is never rewritten.
    (tmp_path / "i18n_extract_settings.py").write_text(
        f"SECRET_KEY = 'extract'\nUSE_I18N = True\nINSTALLED_APPS = []\nLOCALE_PATHS = [{str(copy / 'locale')!r}]\n",
        encoding="utf-8",
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "i18n_extract_settings", "PYTHONPATH": str(tmp_path)}
    command = [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-obsolete", "-v", "0"]
    command += [f"--ignore={pattern}" for pattern in IGNORE]
    result = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    fresh = parse_po((copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))
    assert len(fresh) > 100, "makemessages extracted suspiciously few strings"
    missing = untranslated(fresh)
    assert not missing, (
        "strings in the code without a Chinese translation (run makemessages, translate, compilemessages):\n"
        + "\n".join(missing)
    )
