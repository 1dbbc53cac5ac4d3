#!/usr/bin/env bash
# Start the local PostgreSQL (127.0.0.1:5432) if it is installed and not running.
# The server and sync tests run against it as well as against SQLite.
set -u
if command -v pg_isready >/dev/null 2>&1 && pg_isready -h 127.0.0.1 -p 5432 -q; then
  exit 0
fi
if [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null 2>&1; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  for _ in $(seq 1 30); do
    pg_isready -h 127.0.0.1 -p 5432 -q && exit 0
    sleep 1
  done
fi
echo "PostgreSQL is not running on 127.0.0.1:5432; its tests will be skipped (set FELTBOG_NO_POSTGRES=1 to silence)." >&2
exit 0
