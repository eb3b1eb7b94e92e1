#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database named by DATABASE_URL,
# which must exist and be empty (a fresh database: `createdb portal_restored`).
#
#   DATABASE_URL=postgres://portal:secret@db:5432/portal_restored scripts/restore.sh FILE
#
# Restores in one transaction: on any error nothing is left half restored. Refuses a
# database that already has tables, so a live database is never overwritten by mistake.
# Then point the portal's DATABASE_URL at it and run `python manage.py migrate` (a no-op
# when the code is the one that made the backup).
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL to the fresh database to restore into}"
file="${1:?usage: scripts/restore.sh FILE}"
[ -r "$file" ] || { echo "cannot read $file" >&2; exit 2; }
pg_tool() {
  if command -v "$1" >/dev/null 2>&1; then command -v "$1"; return; fi
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -x "$dir/$1" ] || { echo "$1 not found: install the PostgreSQL client" >&2; exit 2; }
  echo "$dir/$1"
}

tables="$("$(pg_tool psql)" --dbname="$DATABASE_URL" --no-psqlrc --tuples-only --no-align \
  --command="SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
if [ "$tables" != "0" ]; then
  echo "The database already has $tables tables: restore into a fresh, empty database." >&2
  exit 3
fi
"$(pg_tool pg_restore)" --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$file"
echo "Restored $file"
