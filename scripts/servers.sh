#!/usr/bin/env bash
# Sourced by scripts/test and the benchmarks: a throwaway PostgreSQL and Redis on free
# loopback ports under $WORK, stopped and removed again on exit (also on failure).
# After sourcing: DATABASE_URL, REDIS_URL and WORK are set, and a trap cleans up.

PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
WORK="$(mktemp -d /tmp/portal-servers.XXXXXX)"
chmod 755 "$WORK"
free_port() { python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PG_PORT="$(free_port)"
REDIS_PORT="$(free_port)"

as_pg() {
  # From a directory the postgres user may enter (the clone may be private to root).
  if [ "$(id -u)" -eq 0 ]; then (cd "$WORK" && runuser -u postgres -- "$@"); else "$@"; fi
}

stop_servers() {
  status=$?
  set +e
  [ -f "$WORK/pg/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1
  [ -f "$WORK/redis.pid" ] && kill "$(cat "$WORK/redis.pid")" 2>/dev/null
  # Anything started under $WORK and left behind (a Celery worker, gunicorn, a browser).
  pkill -f "$WORK" 2>/dev/null
  rm -rf "$WORK"
  exit $status
}
trap stop_servers EXIT INT TERM

echo "==> PostgreSQL on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT"
mkdir -p "$WORK/pg" "$WORK/var"
[ "$(id -u)" -eq 0 ] && chown postgres "$WORK/pg"
as_pg "$PG_BIN/initdb" -D "$WORK/pg" -U postgres -A trust --no-sync >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/server.log" -w -o \
  "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 ${PG_EXTRA_OPTIONS:-}" \
  start >/dev/null
as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres portal
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  --daemonize yes --pidfile "$WORK/redis.pid" --dir "$WORK" --logfile "$WORK/redis.log"

export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/portal"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export EMAIL_FILE_PATH="$WORK/mail"  # production settings need somewhere to send email
