#!/usr/bin/env bash
# Make sure PostgreSQL and Redis respond at DATABASE_URL and REDIS_URL.
#
# For a server on this machine (127.0.0.1, localhost or ::1) the script starts an installed but
# stopped PostgreSQL cluster or Redis server, installs the Debian package when it is missing and
# the script runs as root, and creates the URL's database role and database when they do not
# exist yet (root only). Servers that already run are reused and never restarted. A remote server
# that does not respond is an error. Defaults match the Makefile:
#   DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal
#   REDIS_URL=redis://127.0.0.1:6379/0
set -euo pipefail

DATABASE_URL=${DATABASE_URL:-postgres://portal:portal@127.0.0.1:5432/portal}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
TOOLS_DIR=$(cd "$(dirname "$0")" && pwd)
STATE_DIR="$TOOLS_DIR/../var/services"
WAIT_SECONDS=30

fail() {
  echo "services: $*" >&2
  exit 1
}

is_root() {
  [ "$(id -u)" -eq 0 ]
}

is_local_host() {
  case "$1" in
    "" | 127.0.0.1 | localhost | ::1 | "[::1]") return 0 ;;
    *) return 1 ;;
  esac
}

# Split scheme://user:password@host:port/path into URL_USER, URL_PASSWORD, URL_HOST, URL_PORT, URL_PATH.
parse_url() {
  local url=$1 default_port=$2
  local pattern='^[a-z0-9+]+://(([^:@/]*)(:([^@/]*))?@)?(\[[^]]*\]|[^:/]*)(:([0-9]+))?(/([^?]*))?'
  [[ "$url" =~ $pattern ]] || fail "cannot read the URL '$url'; expected scheme://user:password@host:port/name."
  URL_USER=${BASH_REMATCH[2]}
  URL_PASSWORD=${BASH_REMATCH[4]}
  URL_HOST=${BASH_REMATCH[5]:-127.0.0.1}
  URL_PORT=${BASH_REMATCH[7]:-$default_port}
  URL_PATH=${BASH_REMATCH[9]}
}

wait_until() {
  local description=$1
  shift
  for _ in $(seq "$WAIT_SECONDS"); do
    if "$@"; then
      return 0
    fi
    sleep 1
  done
  fail "$description did not respond within $WAIT_SECONDS seconds."
}

# PostgreSQL

postgres_ready() {
  pg_isready -q -h "$URL_HOST" -p "$URL_PORT"
}

postgres_login_works() {
  psql "$DATABASE_URL" -Atqc "select 1" >/dev/null 2>&1
}

start_postgres_cluster() {
  if ! command -v pg_lsclusters >/dev/null 2>&1; then
    is_root || fail "PostgreSQL is not installed. Install the Debian package 'postgresql' as root, or set DATABASE_URL to a running server."
    "$TOOLS_DIR/system-packages.sh" postgresql
  fi

  local clusters
  clusters=$(pg_lsclusters --no-header | awk -v port="$URL_PORT" '$3 == port {print $1 " " $2}')
  if [ -z "$clusters" ]; then
    is_root || fail "no PostgreSQL cluster uses port $URL_PORT. Create one as root: pg_createcluster --start VERSION main --port $URL_PORT"
    local version name=main
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    if [ -d "/etc/postgresql/$version/main" ]; then
      name="portal_$URL_PORT"
    fi
    echo "services: creating PostgreSQL cluster $version/$name on port $URL_PORT"
    pg_createcluster "$version" "$name" --port "$URL_PORT" >/dev/null
    clusters="$version $name"
  fi

  while read -r version name; do
    echo "services: starting PostgreSQL cluster $version/$name"
    pg_ctlcluster "$version" "$name" start \
      || fail "could not start PostgreSQL cluster $version/$name; run the command as root or as its owner."
  done <<<"$clusters"
}

create_postgres_role_and_database() {
  is_root || fail "cannot sign in to PostgreSQL with DATABASE_URL as user '$URL_USER'. Create the role and database, or run this script as root to create them."
  [ -n "$URL_USER" ] && [ -n "$URL_PATH" ] || fail "DATABASE_URL must name a user and a database."
  [[ "$URL_USER$URL_PATH" =~ ^[A-Za-z0-9_]+$ ]] || fail "the role and database names in DATABASE_URL may contain only letters, digits and '_'."

  echo "services: creating PostgreSQL role '$URL_USER' and database '$URL_PATH'"
  local password=${URL_PASSWORD//\'/\'\'}
  runuser -u postgres -- psql -p "$URL_PORT" -v ON_ERROR_STOP=1 -q <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$URL_USER') THEN
    CREATE ROLE "$URL_USER" LOGIN CREATEDB PASSWORD '$password';
  END IF;
END
\$\$;
SQL
  if ! runuser -u postgres -- psql -p "$URL_PORT" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$URL_PATH'" | grep -q 1; then
    runuser -u postgres -- createdb -p "$URL_PORT" -O "$URL_USER" "$URL_PATH"
  fi
}

ensure_postgres() {
  parse_url "$DATABASE_URL" 5432
  case "$DATABASE_URL" in
    postgres://* | postgresql://*) ;;
    *) fail "DATABASE_URL must be a postgres:// URL for the full test suite; got scheme '${DATABASE_URL%%:*}'." ;;
  esac

  if ! postgres_ready; then
    is_local_host "$URL_HOST" || fail "PostgreSQL at $URL_HOST:$URL_PORT does not respond."
    start_postgres_cluster
    wait_until "PostgreSQL on port $URL_PORT" postgres_ready
  fi

  if ! postgres_login_works; then
    is_local_host "$URL_HOST" || fail "cannot sign in to PostgreSQL at $URL_HOST:$URL_PORT with DATABASE_URL."
    create_postgres_role_and_database
    postgres_login_works || fail "still cannot sign in with DATABASE_URL after creating the role; check its password."
  fi
  echo "services: PostgreSQL ready at $URL_HOST:$URL_PORT, database '$URL_PATH'"
}

# Redis

redis_ready() {
  [ "$(redis-cli -h "$URL_HOST" -p "$URL_PORT" ping 2>/dev/null)" = "PONG" ]
}

ensure_redis() {
  parse_url "$REDIS_URL" 6379
  URL_HOST=${URL_HOST#[}
  URL_HOST=${URL_HOST%]}

  if ! command -v redis-server >/dev/null 2>&1; then
    is_local_host "$URL_HOST" && is_root \
      || fail "Redis is not installed. Install the Debian package 'redis-server' as root, or set REDIS_URL to a running server."
    "$TOOLS_DIR/system-packages.sh" redis-server
  fi

  if ! redis_ready; then
    is_local_host "$URL_HOST" || fail "Redis at $URL_HOST:$URL_PORT does not respond."
    mkdir -p "$STATE_DIR"
    echo "services: starting redis-server on 127.0.0.1:$URL_PORT (log: var/services/redis-$URL_PORT.log)"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$URL_PORT" --save "" --appendonly no \
      --dir "$STATE_DIR" --logfile "$STATE_DIR/redis-$URL_PORT.log" --pidfile "$STATE_DIR/redis-$URL_PORT.pid"
    wait_until "Redis on port $URL_PORT" redis_ready
  fi
  echo "services: Redis ready at $URL_HOST:$URL_PORT"
}

ensure_postgres
ensure_redis
