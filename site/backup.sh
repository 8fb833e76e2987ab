#!/usr/bin/env bash
# Back up the portal: the PostgreSQL database (pg_dump custom format), the public media and the
# applicants' private files, into BACKUP_DIR/YYYYMMDD-HHMMSS/. Keeps the newest KEEP backups.
#
# Usage: site/backup.sh [ENV_FILE]   (default ENV_FILE: /etc/portal/portal.env)
# Needs pg_dump of the server's major version (Debian postgresql-client) and tar.
set -euo pipefail

env_file=${1:-/etc/portal/portal.env}
if [ -f "$env_file" ]; then
  set -a
  # shellcheck disable=SC1090
  . "$env_file"
  set +a
fi

: "${DATABASE_URL:?DATABASE_URL is not set; pass the site's env file or export it.}"
: "${MEDIA_ROOT:?MEDIA_ROOT is not set; pass the site's env file or export it.}"
BACKUP_DIR=${BACKUP_DIR:-/var/backups/portal}
KEEP=${KEEP:-14}
PRIVATE_ROOT=${PORTAL_PRIVATE_MEDIA_ROOT:-}

target="$BACKUP_DIR/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$target"
chmod 700 "$BACKUP_DIR" "$target"

echo "backup: database -> $target/database.dump"
pg_dump --format=custom --no-owner --file="$target/database.dump" "$DATABASE_URL"

echo "backup: media -> $target/media.tar.gz"
tar -czf "$target/media.tar.gz" -C "$MEDIA_ROOT" .

if [ -n "$PRIVATE_ROOT" ] && [ -d "$PRIVATE_ROOT" ]; then
  echo "backup: private files -> $target/private.tar.gz"
  tar -czf "$target/private.tar.gz" -C "$PRIVATE_ROOT" .
fi

(cd "$target" && sha256sum ./* >SHA256SUMS)

# Remove the oldest backups beyond KEEP; names sort by date.
find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '[0-9]*-[0-9]*' | sort | head -n "-$KEEP" | while read -r old; do
  echo "backup: removing old backup $old"
  rm -rf "$old"
done
echo "backup: done, $target"
