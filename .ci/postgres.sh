#!/usr/bin/env bash
# Installs (if needed) and starts a local PostgreSQL server with a database for the tests,
# then prints the URL to use as TEST_DATABASE_URL. Safe to run more than once.
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version main"; then
  pg_createcluster "$version" main >&2
fi
pg_ctlcluster "$version" main start >&2 2>/dev/null || true
port=$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q -p $port" && break
  sleep 1
done
su postgres -c "psql -q -p $port -tc \"SELECT 1 FROM pg_roles WHERE rolname='nprbot'\" | grep -q 1 || psql -q -p $port -c \"CREATE ROLE nprbot LOGIN PASSWORD 'nprbot' CREATEDB\"" >&2
su postgres -c "psql -q -p $port -tc \"SELECT 1 FROM pg_database WHERE datname='nprbot_test'\" | grep -q 1 || createdb -p $port -O nprbot nprbot_test" >&2
echo "postgres://nprbot:nprbot@127.0.0.1:$port/nprbot_test"
