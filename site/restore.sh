#!/usr/bin/env bash
# Restore a backup made by site/backup.sh into the database and folders of ENV_FILE.
# Replaces the current database objects and files. Stop portal-web, portal-worker and portal-beat first.
#
# Usage: site/restore.sh BACKUP_FOLDER [ENV_FILE]   (default ENV_FILE: /etc/portal/portal.env)
set -euo pipefail

backup=${1:?Usage: site/restore.sh BACKUP_FOLDER [ENV_FILE]}
env_file=${2:-/etc/portal/portal.env}
if [ -f "$env_file" ]; then
  set -a
  # shellcheck disable=SC1090
  . "$env_file"
  set +a
fi

: "${DATABASE_URL:?DATABASE_URL is not set; pass the site's env file or export it.}"
: "${MEDIA_ROOT:?MEDIA_ROOT is not set; pass the site's env file or export it.}"
PRIVATE_ROOT=${PORTAL_PRIVATE_MEDIA_ROOT:-}

[ -f "$backup/database.dump" ] || { echo "restore: $backup/database.dump not found." >&2; exit 1; }
(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || { echo "restore: checksums do not match; the backup is damaged." >&2; exit 1; }

echo "restore: database from $backup/database.dump"
pg_restore --clean --if-exists --no-owner --single-transaction --dbname="$DATABASE_URL" "$backup/database.dump"

echo "restore: media into $MEDIA_ROOT"
mkdir -p "$MEDIA_ROOT"
find "$MEDIA_ROOT" -mindepth 1 -delete
tar -xzf "$backup/media.tar.gz" -C "$MEDIA_ROOT"

if [ -f "$backup/private.tar.gz" ]; then
  [ -n "$PRIVATE_ROOT" ] || { echo "restore: the backup has private files but PORTAL_PRIVATE_MEDIA_ROOT is not set." >&2; exit 1; }
  echo "restore: private files into $PRIVATE_ROOT"
  mkdir -p "$PRIVATE_ROOT"
  find "$PRIVATE_ROOT" -mindepth 1 -delete
  tar -xzf "$backup/private.tar.gz" -C "$PRIVATE_ROOT"
fi
echo "restore: done. Run 'manage.py migrate' if the code is newer than the backup, then start the services."
