#!/usr/bin/env bash
# Back up the portal's PostgreSQL database named by DATABASE_URL into one file in
# pg_dump's custom format (compressed; restore it with scripts/restore.sh).
#
#   DATABASE_URL=postgres://portal:secret@db:5432/portal scripts/backup.sh [FILE]
#
# FILE defaults to backups/portal-<UTC date and time>.dump. The dump is consistent (one
# snapshot) and taken while the portal runs; it holds data, schema and extensions, not
# roles or ownership. Exits non-zero, leaving no partial file, if anything fails.
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL to the database to back up}"
pg_tool() {
  if command -v "$1" >/dev/null 2>&1; then command -v "$1"; return; fi
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -x "$dir/$1" ] || { echo "$1 not found: install the PostgreSQL client" >&2; exit 2; }
  echo "$dir/$1"
}

file="${1:-backups/portal-$(date -u +%Y%m%d-%H%M%S).dump}"
mkdir -p "$(dirname "$file")"
partial="$file.partial"
trap 'rm -f "$partial"' EXIT

"$(pg_tool pg_dump)" --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" \
  --file="$partial"
mv "$partial" "$file"
echo "Backed up to $file ($(du -h "$file" | cut -f1))"
