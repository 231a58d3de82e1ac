"""`fangkong` command: demo, serve, worker, token, rotate-data-key, import, seed, purge, and Django's manage commands.

Every subcommand takes --data-dir (default ./fangkong-data): the folder with the SQLite database,
generated keys and uploads when DATABASE_URL is not set.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
from pathlib import Path


def _setup(data_dir: str) -> None:
    os.environ["FANGKONG_DATA_DIR"] = str(Path(data_dir).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    import django

    django.setup()


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)


def _progress(phase: str, done: int, total: int) -> None:
    if total:
        sys.stderr.write(f"\r{phase}: {done}/{total} ({100 * done // total}%)   ")
    else:
        sys.stderr.write(f"\r{phase}: {done}   ")
    sys.stderr.flush()
    if phase == "done":
        sys.stderr.write("\n")


def _gunicorn(bind: str, workers: int, data_dir: str, threads: int = 1, worker_class: str = "sync",
              connections: int = 100, db_pool: int = 8) -> subprocess.Popen:
    env = dict(os.environ, FANGKONG_DATA_DIR=str(Path(data_dir).resolve()))
    options = ["--worker-class", worker_class]
    if worker_class == "gthread":
        options += ["--threads", str(threads)]
    if worker_class == "gevent":
        # Each worker serves up to `connections` HTTP connections at once, each a greenlet; they share
        # a pool of `db_pool` PostgreSQL connections per worker (settings.DB_POOL_MAX). While one
        # request waits on PostgreSQL (the commit's WAL flush above all) the worker runs another, and
        # PostgreSQL flushes the commits in flight together (docs/performance.md).
        options += ["--worker-connections", str(connections)]
        env["DB_POOL_MAX"] = str(db_pool)
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "fangkong.wsgi:application", "--bind", bind, "--workers", str(workers),
         "--timeout", "120", *options,
         # gunicorn's control socket defaults to one path in the home directory, shared by every instance
         # on the machine: each instance keeps its own in its data dir.
         "--control-socket", str(Path(data_dir).resolve() / "gunicorn.ctl"),
         # One line per request, `[time] "METHOD /path" status 3ms`, written cheaply (fangkong/core/serving.py).
         "--access-logfile", "-", "--logger-class", "fangkong.core.serving.AccessLogger"],
        env=env,
    )


def _worker(data_dir: str) -> subprocess.Popen:
    env = dict(os.environ, FANGKONG_DATA_DIR=str(Path(data_dir).resolve()))
    return subprocess.Popen([sys.executable, "-m", "fangkong", "--data-dir", data_dir, "worker"], env=env)


def _serve_until_interrupted(procs: list[subprocess.Popen]) -> int:
    """Wait on the server; on Ctrl-C or SIGTERM (a service manager stopping us) stop every child too,
    so no orphaned gunicorn keeps the port and serves stale settings."""
    import signal

    def stop(signum, _frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return procs[0].wait()
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def cmd_demo(args) -> int:
    _setup(args.data_dir)
    _migrate()
    from fangkong.demo.community import DEMO_PASSWORD, demo_loaded, load_demo

    if not demo_loaded():
        print("Loading the demo community 孙家下庄社区 (about 3,500 synthetic people)…", file=sys.stderr)
        logins = load_demo(progress=_progress)
    else:
        from fangkong.accounts.models import User

        logins = {u: DEMO_PASSWORD for u in User.objects.order_by("id").values_list("username", flat=True)}
    url = f"http://127.0.0.1:{args.port}/"
    print(f"\nFangkong demo: {url}")
    print(f"Data dir: {Path(args.data_dir).resolve()}")
    print(f"Logins (password for all: {DEMO_PASSWORD}):")
    print("  " + ", ".join(logins))
    sys.stdout.flush()
    if args.no_serve:
        return 0
    return _serve_until_interrupted([_gunicorn(f"127.0.0.1:{args.port}", 2, args.data_dir), _worker(args.data_dir)])


def _default_worker_class() -> str:
    """gevent where the database is PostgreSQL: a worker keeps many requests in flight while each waits
    on the database. SQLite stays on sync workers: its calls block the whole process, so a greenlet
    holding the write lock while another waits for it would stall the worker until busy_timeout."""
    from django.db import connection

    return "gevent" if connection.vendor == "postgresql" else "sync"


def cmd_serve(args) -> int:
    _setup(args.data_dir)
    if args.migrate:
        _migrate()
    worker_class = args.worker_class or ("gthread" if args.threads > 1 else _default_worker_class())
    procs = [_gunicorn(args.bind, args.workers, args.data_dir, args.threads, worker_class, args.connections,
                       args.db_pool)]
    if args.with_worker:
        procs.append(_worker(args.data_dir))
    return _serve_until_interrupted(procs)




def _sweep_forever(interval: int) -> None:
    """Raise missed-follow-up alerts, delete expired exports and retry the messages due, every few minutes.
    The alert pages, the API and the downloads page do some of it too; this makes it happen even when
    nobody is looking. Several workers sweeping at once is harmless."""
    import time

    from django.db import close_old_connections

    from fangkong.ledgers.jobs import exports_expire
    from fangkong.notices.services import messages_retry_due
    from fangkong.observation.services import missed_followups_sweep

    while True:
        for sweep in (missed_followups_sweep, exports_expire, messages_retry_due):
            try:
                sweep()
            except Exception:  # a failed sweep is retried at the next tick; it never kills the worker
                logging.getLogger("fangkong.sweep").exception("%s failed", sweep.__name__)
            finally:
                close_old_connections()
        time.sleep(interval)


def cmd_worker(args) -> int:
    _setup(args.data_dir)
    import threading

    from django.core.management import call_command

    interval = int(os.environ.get("FANGKONG_SWEEP_SECONDS", "300"))
    threading.Thread(target=_sweep_forever, args=(interval,), daemon=True, name="sweep").start()
    call_command("db_worker", interval=1.0, no_startup_delay=True)
    return 0


def cmd_sweep(args) -> int:
    _setup(args.data_dir)
    from fangkong.ledgers.jobs import exports_expire
    from fangkong.observation.services import missed_followups_sweep

    print(f"{missed_followups_sweep()} missed follow-up alerts raised")
    print(f"{exports_expire()} expired exports deleted")
    return 0


def cmd_token(args) -> int:
    _setup(args.data_dir)
    from fangkong.accounts.models import User
    from fangkong.accounts.services import token_create

    user = User.objects.filter(username=args.username).first()
    if user is None:
        print(f"No such user: {args.username}", file=sys.stderr)
        return 2
    # Only the token's hash is kept: this is the one time it can be read.
    print(token_create(user=user, name=args.name, replace=not args.add))
    return 0


def cmd_rotate_data_key(args) -> int:
    _setup(args.data_dir)
    from django.conf import settings

    from fangkong.core import crypto, rekey

    old = os.environ.get("FANGKONG_DATA_KEY_OLD", "")
    if args.old_key_file:
        old = Path(args.old_key_file).read_text(encoding="utf-8").strip()
    if not old:
        print("Set FANGKONG_DATA_KEY_OLD (or --old-key-file) to the key in use, FANGKONG_DATA_KEY to the new one",
              file=sys.stderr)
        return 2
    try:
        result = rekey.rotate(old_text=old, new_text=settings.FANGKONG_DATA_KEY, batch=args.batch,
                              progress=lambda table, done, total: _progress(f"re-encrypting {table}", done, total))
    except (crypto.DataKeyError, rekey.RowError) as exc:
        print(f"\n{exc}", file=sys.stderr)
        return 2
    _progress("done", 0, 0)
    print(f"{result.rows_changed} rows re-encrypted, {result.indexes_translated} blind indexes translated; "
          f"everything is under key {crypto.data_key(settings.FANGKONG_DATA_KEY).key_id_hex}")
    if result.unresolved:
        print(f"{result.unresolved} blind indexes kept without a ciphertext (bans, sync events) match no ID number "
              "held anywhere and were left under the old key", file=sys.stderr)
    return 0


def cmd_import(args) -> int:
    _setup(args.data_dir)
    from fangkong.accounts.models import User
    from fangkong.accounts.roles import Role
    from fangkong.registry.importing import ImportFileError, import_people
    from fangkong.registry.models import Community

    community = Community.objects.filter(code=args.community).first()
    if community is None:
        print(f"No such community: {args.community}", file=sys.stderr)
        return 2
    actor = (User.objects.filter(username=args.as_user).first() if args.as_user
             else User.objects.filter(role=Role.ADMINISTRATOR).order_by("id").first())
    if actor is None:
        print("No administrator account: create one first (fangkong manage createsuperuser)", file=sys.stderr)
        return 2
    try:
        result = import_people(actor=actor, community=community, path=Path(args.file), progress=_progress,
                               via="command")
    except ImportFileError as exc:
        print(f"\nNothing imported: {exc.code}", file=sys.stderr)
        errors = exc.errors()
    else:
        if result.ok:
            print(f"\nImported {result.people_created} people, {result.households_created} new households, "
                  f"{result.tenancies_created} tenancies.")
            return 0
        print(f"\nNothing imported: {len(result.errors)} problem(s) in {result.rows} valid row(s) checked.",
              file=sys.stderr)
        errors = result.errors
    # One problem a line, tab-separated (reason in Chinese, then in English): paste into a spreadsheet.
    print("row\tcolumn\tvalue\tcode\treason\treason_en")
    for e in errors:
        print(f"{'' if e.row is None else e.row}\t{e.column}\t{e.value}\t{e.code}\t{e.reason}\t{e.reason_en}")
    return 1


def cmd_seed(args) -> int:
    _setup(args.data_dir)
    _migrate()
    from fangkong.demo.seed import seed_district

    seed_district(communities=args.communities, people=args.people, progress=_progress)
    return 0


def cmd_purge(args) -> int:
    _setup(args.data_dir)
    from fangkong.registry.services import purge_expired

    result = purge_expired(dry_run=args.dry_run)
    verb = "would anonymise" if args.dry_run else "anonymised"
    print(f"{verb} {result['people']} people whose retention date has passed")
    return 0


def cmd_manage(args) -> int:
    _setup(args.data_dir)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["fangkong manage", *args.rest])
    return 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="fangkong", description="Fangkong (防控) community prevention and control")
    parser.add_argument("--data-dir", default=os.environ.get("FANGKONG_DATA_DIR", "fangkong-data"))
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name, fn, help_):
        p = sub.add_parser(name, help=help_)
        p.add_argument("--data-dir", default=argparse.SUPPRESS)
        p.set_defaults(fn=fn)
        return p

    p = add("demo", cmd_demo, "create or reuse the demo data and serve it on 127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-serve", action="store_true", help="load the demo and print the logins, then exit")
    p = add("serve", cmd_serve, "production server (gunicorn) for DATABASE_URL")
    p.add_argument("--bind", default=os.environ.get("FANGKONG_BIND", "127.0.0.1:8000"))
    p.add_argument("--workers", type=int, default=int(os.environ.get("FANGKONG_WORKERS", "2")))
    p.add_argument("--threads", type=int, default=int(os.environ.get("FANGKONG_THREADS", "1")),
                   help="threads per worker (gthread)")
    p.add_argument("--worker-class", choices=["sync", "gthread", "gevent"],
                   default=os.environ.get("FANGKONG_WORKER_CLASS"),
                   help="default: gevent on PostgreSQL, sync on SQLite (docs/decisions/0009)")
    p.add_argument("--connections", type=int, default=int(os.environ.get("FANGKONG_CONNECTIONS", "100")),
                   help="HTTP connections served at once per gevent worker")
    p.add_argument("--db-pool", type=int, default=int(os.environ.get("FANGKONG_DB_POOL", "8")),
                   help="PostgreSQL connections per gevent worker")
    p.add_argument("--migrate", action="store_true", help="apply migrations first")
    p.add_argument("--with-worker", action="store_true", help="also run a background task worker")
    add("worker", cmd_worker, "run background jobs (imports) and the missed-follow-up sweep")
    add("sweep", cmd_sweep, "raise missed-follow-up alerts now (for cron, if no worker runs)")
    p = add("token", cmd_token, "make a new API token for a user and print it (once); the user's others stop working")
    p.add_argument("username")
    p.add_argument("--name", default="default", help="what the token is for, e.g. the gate device")
    p.add_argument("--add", action="store_true", help="keep the user's other tokens working")
    p = add("rotate-data-key", cmd_rotate_data_key,
            "re-encrypt everything from FANGKONG_DATA_KEY_OLD to FANGKONG_DATA_KEY (resumable)")
    p.add_argument("--old-key-file", help="read the old key from this file instead of FANGKONG_DATA_KEY_OLD")
    p.add_argument("--batch", type=int, default=500, help="rows per transaction")
    p = add("import", cmd_import, "import households and people from xlsx, xls, ods or csv")
    p.add_argument("what", choices=["people"])
    p.add_argument("file")
    p.add_argument("--community", required=True, help="community code, e.g. SJXZ")
    p.add_argument("--as-user", help="account the import is recorded under (default: first administrator)")
    p = add("seed", cmd_seed, "build a synthetic district for benchmarks")
    p.add_argument("--communities", type=int, default=50)
    p.add_argument("--people", type=int, default=4000, help="people per community")
    p = add("purge", cmd_purge, "anonymise people whose retention date has passed")
    p.add_argument("--dry-run", action="store_true")
    p = add("manage", cmd_manage, "run a Django management command (migrate, createsuperuser, …)")
    p.add_argument("rest", nargs=argparse.REMAINDER)

    args = parser.parse_args(argv)
    sys.exit(args.fn(args))
