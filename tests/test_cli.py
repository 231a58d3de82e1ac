"""The `fangkong` command, run as a user would, against one --data-dir."""

from __future__ import annotations

import base64
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def fk(data_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FANGKONG_DATA_DIR")}
    env["FANGKONG_TASKS"] = "immediate"
    return subprocess.run([sys.executable, "-m", "fangkong", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, env=env, check=check, timeout=300)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("fk")
    fk(d, "seed", "--communities", "1", "--people", "120")
    return d


def test_seed_token_and_purge_share_the_data_dir(data_dir):
    first = fk(data_dir, "token", "seed-admin").stdout.strip()
    second = fk(data_dir, "token", "seed-admin", "--name", "gate 2", "--add").stdout.strip()
    assert first.startswith("fk_") and second.startswith("fk_") and second != first  # shown once: each run a new one
    third = fk(data_dir, "token", "seed-admin").stdout.strip()  # replaces the user's others
    assert third not in (first, second)
    with sqlite3.connect(data_dir / "fangkong.sqlite3") as db:
        live = db.execute("SELECT key_hash FROM accounts_apitoken t JOIN accounts_user u ON u.id = t.user_id "
                          "WHERE u.username = 'seed-admin' AND t.revoked_at IS NULL").fetchall()
    assert live == [(hashlib.sha256(third.encode()).hexdigest(),)]
    assert fk(data_dir, "token", "nobody", check=False).returncode == 2
    assert "would anonymise 0 people" in fk(data_dir, "purge", "--dry-run").stdout
    assert (data_dir / "fangkong.sqlite3").exists() and (data_dir / "data_key").exists()


def test_sweep_command_runs_against_the_data_dir(data_dir):
    lines = fk(data_dir, "sweep").stdout.strip().splitlines()
    assert lines[0].endswith("missed follow-up alerts raised") and lines[0].split()[0].isdigit()
    assert lines[1].endswith("expired exports deleted") and lines[1].split()[0].isdigit()


def test_import_command_reports_rows_and_imports_nothing_on_error(data_dir, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("网格,楼栋,房号,姓名,证件号码,与户主关系\n1,9号楼,101,甲,11010519491231002X,户主\n"
                   "1,9号楼,102,乙,110105194912310021,户主\n", encoding="utf-8")
    r = fk(data_dir, "import", "people", str(bad), "--community", "SEED0001", check=False)
    assert r.returncode == 1
    assert "3\t证件号码" in r.stdout and "id_checksum" in r.stdout
    assert "110105194912310021" not in r.stdout  # the value is masked in the report
    good = tmp_path / "good.csv"
    good.write_text("网格,楼栋,房号,姓名,证件号码,与户主关系\n1,9号楼,101,甲,11010519491231002X,户主\n",
                    encoding="utf-8")
    r = fk(data_dir, "import", "people", str(good), "--community", "SEED0001")
    assert "Imported 1 people" in r.stdout


def test_rotate_data_key_re_encrypts_everything_resumably(tmp_path):
    d = tmp_path / "fk"
    fk(d, "seed", "--communities", "1", "--people", "40")
    old, new = (d / "data_key").read_text().strip(), base64.urlsafe_b64encode(os.urandom(32)).decode()

    def run(*args: str, **env: str) -> subprocess.CompletedProcess:
        full = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FANGKONG_DATA_DIR",
                                                                  "FANGKONG_DATA_KEY_OLD")}
        return subprocess.run([sys.executable, "-m", "fangkong", "--data-dir", str(d), *args], capture_output=True,
                              text=True, env={**full, "FANGKONG_DATA_KEY": new, **env}, timeout=300)

    missing = run("rotate-data-key")
    assert missing.returncode == 2 and "FANGKONG_DATA_KEY_OLD" in missing.stderr
    (tmp_path / "old_key").write_text(old + "\n")
    first = run("rotate-data-key", "--batch", "7", "--old-key-file", str(tmp_path / "old_key"))
    assert first.returncode == 0, first.stderr
    assert "re-encrypting registry.Person" in first.stderr and first.stdout.split()[0] != "0"
    again = run("rotate-data-key", FANGKONG_DATA_KEY_OLD=old)
    assert again.returncode == 0 and again.stdout.startswith("0 rows re-encrypted")
    check = ("from fangkong.registry.models import Person; ps = Person.objects.exclude(id_number_encrypted='');"
             "print(ps.count(), sum(Person.objects.by_id_number(p.id_number).get() == p for p in ps))")
    count, found = run("manage", "shell", "-c", check).stdout.strip().splitlines()[-1].split()  # new key alone
    assert int(count) > 0 and count == found


def test_serve_stops_gunicorn_on_sigterm(data_dir):
    """A service manager's SIGTERM must not leave an orphaned gunicorn holding the port."""
    import signal
    import socket
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FANGKONG_DATA_DIR")}
    proc = subprocess.Popen([sys.executable, "-m", "fangkong", "--data-dir", str(data_dir), "serve", "--workers", "1",
                             "--bind", f"127.0.0.1:{port}"], env=env)

    def listening() -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    deadline = time.monotonic() + 60
    while not listening() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert listening()
    # The control socket lives in this instance's data dir, not in a home-directory path that every
    # instance on the machine would share.
    deadline = time.monotonic() + 30
    while not (data_dir / "gunicorn.ctl").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert (data_dir / "gunicorn.ctl").is_socket()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    deadline = time.monotonic() + 30
    while listening() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not listening()
