#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on 127.0.0.1 for the tests and prints its URL.
# Usage: .ci/postgres.sh start DIR PORT | .ci/postgres.sh stop DIR
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:?data folder}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
case "$cmd" in
start)
  port=${3:-55432}
  mkdir -p "$dir"
  if id postgres >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    chown postgres "$dir"; as=(runuser -u postgres --)
  else
    as=()
  fi
  "${as[@]}" "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >"$dir/initdb.log"
  "${as[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null
  echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
  ;;
stop)
  if id postgres >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); else as=(); fi
  "${as[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -m fast stop >/dev/null || true
  ;;
esac
