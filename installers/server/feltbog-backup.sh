#!/usr/bin/env bash
# Back up the Feltbog server database into FOLDER, keeping the KEEP newest copies (private: 0600 in 0700).
# Usage: feltbog-backup.sh FOLDER [KEEP]   (reads FELTBOG_SERVER_DB, as the server does)
# SQLite: python -m server admin backup (online backup API, the copy checked). PostgreSQL: pg_dump
# in its custom format, then pg_restore --list to prove the dump can be read back.
set -euo pipefail
folder=${1:?usage: feltbog-backup.sh FOLDER [KEEP]}
keep=${2:-14}
python=${FELTBOG_PYTHON:-/opt/feltbog/.venv/bin/python}
umask 077
mkdir -p "$folder"
chmod 700 "$folder"
case "${FELTBOG_SERVER_DB:?FELTBOG_SERVER_DB is not set}" in
  sqlite*)
    exec "$python" -m server admin backup "$folder/" --keep "$keep"
    ;;
  postgresql*)
    # pg_dump takes libpq's URL form (postgresql://...), without SQLAlchemy's "+psycopg".
    url=${FELTBOG_SERVER_DB/postgresql+psycopg:/postgresql:}
    dump="$folder/feltbog-server-$(date -u +%Y%m%dT%H%M%SZ).dump"
    pg_dump --format=custom --file="$dump.partial" "$url"
    pg_restore --list "$dump.partial" > /dev/null   # readable, or the run fails and nothing is kept
    mv "$dump.partial" "$dump"
    ls -1 "$folder"/feltbog-server-*.dump | head -n -"$keep" | xargs -r rm --
    echo "wrote $dump"
    ;;
  *) echo "feltbog-backup: unknown database URL scheme" >&2; exit 2 ;;
esac
