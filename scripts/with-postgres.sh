#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server on loopback, then stops and removes it.
# The command sees CASELEDGER_TEST_PG_URL (a superuser URL to the "postgres" database)
# and CASELEDGER_REQUIRE_PG=1, so tests that need the server fail rather than skip.
set -euo pipefail
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "PostgreSQL is not installed: run 'make system'" >&2; exit 2; }
port=${CASELEDGER_TEST_PG_PORT:-54329}
root=$(mktemp -d /tmp/caseledger-pg.XXXXXX)
chmod 755 "$root"
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  # initdb refuses to run as root; use the account Debian's package creates.
  chown postgres "$root"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$root/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$root"
}
trap cleanup EXIT
"${as_pg[@]}" "$bindir/initdb" -D "$root/data" -U postgres -A trust --no-sync -E UTF8 >"$root/initdb.log" 2>&1 \
  || { cat "$root/initdb.log" >&2; exit 2; }
"${as_pg[@]}" "$bindir/pg_ctl" -D "$root/data" -l "$root/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $root -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$root/server.log" >&2; exit 2; }
export CASELEDGER_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
export CASELEDGER_REQUIRE_PG=1
"$@"
