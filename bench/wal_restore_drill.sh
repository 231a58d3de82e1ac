#!/bin/sh
# Backup and point-in-time restore drill on a throw-away PostgreSQL cluster (docs/operations.md, "Backups").
#   sh bench/wal_restore_drill.sh            (as root: runs the cluster as user postgres; ports 5440 and 5441)
# 1. a primary with WAL archiving into a directory; 2. a base backup with pg_basebackup; 3. rows written
# before and after a noted time; 4. the backup restored into a new data directory with restore_command and
# recovery_target_time; 5. checks that the restored cluster has the rows before the target and none after.
set -eu
BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
W=${DRILL_DIR:-/tmp/wal-drill}
as_pg() { runuser -u postgres -- "$@"; }
as_pg "$BIN/pg_ctl" -D "$W/primary" -m immediate stop >/dev/null 2>&1 || true
as_pg "$BIN/pg_ctl" -D "$W/restored" -m immediate stop >/dev/null 2>&1 || true
rm -rf "$W" && mkdir -p "$W/archive" && chown -R postgres "$W"

as_pg "$BIN/initdb" -D "$W/primary" -U postgres --auth=trust >/dev/null
cat >> "$W/primary/postgresql.conf" <<CONF
port = 5440
listen_addresses = '127.0.0.1'
unix_socket_directories = '$W'
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $W/archive/%f && cp %p $W/archive/%f'
archive_timeout = 60
CONF
as_pg "$BIN/pg_ctl" -D "$W/primary" -l "$W/primary.log" -w start >/dev/null
PSQL="$BIN/psql -h 127.0.0.1 -p 5440 -U postgres -qAt"
as_pg $PSQL -c "CREATE DATABASE drill"
as_pg $PSQL -d drill -c "CREATE TABLE scan (id serial PRIMARY KEY, at timestamptz DEFAULT now(), note text)"
as_pg $PSQL -d drill -c "INSERT INTO scan (note) SELECT 'before backup' FROM generate_series(1, 1000)"

# The base backup: tar format, compressed, with the WAL needed to make it consistent; checksummed manifest.
as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p 5440 -U postgres -D "$W/base" -Ft -z -Xfetch --checkpoint=fast

as_pg $PSQL -d drill -c "INSERT INTO scan (note) SELECT 'after backup, before target' FROM generate_series(1, 500)"
sleep 1
TARGET=$(as_pg $PSQL -c "SELECT now()")
sleep 1
as_pg $PSQL -d drill -c "INSERT INTO scan (note) SELECT 'after target: the mistake' FROM generate_series(1, 200)"
as_pg $PSQL -c "SELECT pg_switch_wal()" >/dev/null   # close the segment so that it is archived now
sleep 2
echo "archived WAL segments: $(ls "$W/archive" | wc -l); target time $TARGET"

# Restore: unpack the base backup into a new data directory, fetch WAL from the archive up to the target.
mkdir -p "$W/restored" && chown postgres "$W/restored" && chmod 700 "$W/restored"
as_pg tar -xzf "$W/base/base.tar.gz" -C "$W/restored"
cat >> "$W/restored/postgresql.conf" <<CONF
port = 5441
restore_command = 'cp $W/archive/%f %p'
recovery_target_time = '$TARGET'
recovery_target_action = 'promote'
CONF
as_pg touch "$W/restored/recovery.signal"
as_pg "$BIN/pg_ctl" -D "$W/restored" -l "$W/restored.log" -w -t 120 start >/dev/null
for _ in $(seq 60); do
  [ "$(as_pg "$BIN/psql" -h 127.0.0.1 -p 5441 -U postgres -qAt -c 'SELECT pg_is_in_recovery()')" = f ] && break
  sleep 1
done
echo "restored: $(as_pg "$BIN/psql" -h 127.0.0.1 -p 5441 -U postgres -qAt -d drill -c \
  "SELECT note || ': ' || count(*) FROM scan GROUP BY note ORDER BY min(id)" | tr '\n' ';')"
BAD=$(as_pg "$BIN/psql" -h 127.0.0.1 -p 5441 -U postgres -qAt -d drill -c \
  "SELECT count(*) FROM scan WHERE note LIKE 'after target%'")
GOOD=$(as_pg "$BIN/psql" -h 127.0.0.1 -p 5441 -U postgres -qAt -d drill -c "SELECT count(*) FROM scan")
as_pg "$BIN/pg_ctl" -D "$W/restored" -m fast stop >/dev/null
as_pg "$BIN/pg_ctl" -D "$W/primary" -m fast stop >/dev/null
if [ "$GOOD" = 1500 ] && [ "$BAD" = 0 ]; then echo "restore drill passed: 1500 rows up to the target, none after"
else echo "restore drill FAILED: $GOOD rows, $BAD after the target"; exit 1; fi
