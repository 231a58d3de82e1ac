"""docs/permissions.md carries the role × permission table of accounts/roles.py: this test fails, printing
the table to paste, whenever the two differ."""

from __future__ import annotations

from pathlib import Path

from fangkong.accounts.roles import PERMISSIONS, Role

DOC = Path(__file__).resolve().parents[3] / "docs" / "permissions.md"
BEGIN, END = "<!-- table: generated from accounts/roles.py PERMISSIONS -->", "<!-- end of table -->"


def permission_table() -> str:
    roles = list(Role)
    lines = ["| permission | " + " | ".join(r.value for r in roles) + " |",
             "| --- |" + " :-: |" * len(roles)]
    for perm, allowed in PERMISSIONS.items():
        lines.append(f"| `{perm.value}` | " + " | ".join("✓" if r in allowed else "" for r in roles) + " |")
    return "\n".join(lines)


def test_the_documented_table_is_the_one_in_roles():
    text = DOC.read_text(encoding="utf-8")
    documented = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert documented == permission_table(), "\n" + permission_table()
