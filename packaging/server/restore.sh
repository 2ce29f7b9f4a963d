#!/usr/bin/env bash
# Restores a dump made by backup.sh into the BonusPOS server's database.
#
#   restore.sh [--yes] DUMPFILE
#
# Stop the server first (`systemctl stop bonuspos-server`); best into an empty database
# (see README.md). The target is the server's database (BONUSPOS_SERVER_DATABASE_URL or
# …_URL_FILE), or BONUSPOS_RESTORE_DATABASE_URL. Objects the dump holds are dropped and
# recreated in one transaction: a restore that fails changes nothing. Afterwards run
# `bonuspos-server check`.
set -euo pipefail
umask 077

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${BONUSPOS_PYTHON:-python3}"
pgconn="${BONUSPOS_PGCONN:-$here/pgconn.py}"

yes=""
if [[ "${1:-}" == "--yes" ]]; then yes=1; shift; fi
if [[ $# -ne 1 ]]; then
    echo "usage: $0 [--yes] DUMPFILE" >&2
    exit 2
fi
dump="$1"
if [[ ! -r "$dump" ]]; then
    echo "restore: cannot read $dump" >&2
    exit 2
fi
pg_restore --list "$dump" > /dev/null  # not a dump, or a cut-short one: stop before anything

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [[ -n "${BONUSPOS_RESTORE_DATABASE_URL:-}" ]]; then
    export BONUSPOS_BACKUP_DATABASE_URL="$BONUSPOS_RESTORE_DATABASE_URL"
fi
uri="$("$python" "$pgconn" "$work/pgpass")"
if [[ -s "$work/pgpass" ]]; then
    export PGPASSFILE="$work/pgpass"
fi

if [[ -z "$yes" ]]; then
    echo "restore: this replaces the data in $uri with $dump."
    read -r -p "Type 'restore' to go on: " answer
    if [[ "$answer" != "restore" ]]; then
        echo "restore: nothing done" >&2
        exit 1
    fi
fi
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
    --exit-on-error --no-password --dbname="$uri" "$dump"
echo "restore: $dump restored into $uri; now run \`bonuspos-server check\`"
