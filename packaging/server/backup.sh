#!/usr/bin/env bash
# A PostgreSQL dump (pg_dump -Fc) of the BonusPOS server's database, and retention.
#
# The database is the server's own (BONUSPOS_SERVER_DATABASE_URL or …_URL_FILE from
# /etc/bonuspos/server.env), or BONUSPOS_BACKUP_DATABASE_URL. Its password never reaches
# a command line: it goes to pg_dump in a private, temporary password file.
#
#   BONUSPOS_BACKUP_DIR        where dumps go (default /var/backups/bonuspos)
#   BONUSPOS_BACKUP_KEEP_DAYS  dumps older than this many days are deleted (default 14)
#   BONUSPOS_BACKUP_KEEP_MIN   ... but never the newest this many (default 7)
#
# Writes DIR/bonuspos-YYYYMMDDTHHMMSSZ.dump, checked to read back, and prints its name.
# Exit 0 only when the dump is complete; an old dump is deleted only after a new one is.
set -euo pipefail
umask 077

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="${BONUSPOS_BACKUP_DIR:-/var/backups/bonuspos}"
keep_days="${BONUSPOS_BACKUP_KEEP_DAYS:-14}"
keep_min="${BONUSPOS_BACKUP_KEEP_MIN:-7}"
python="${BONUSPOS_PYTHON:-python3}"
pgconn="${BONUSPOS_PGCONN:-$here/pgconn.py}"

work="$(mktemp -d)"
partial=""
cleanup() {
    rm -rf "$work"
    if [[ -n "$partial" ]]; then rm -f "$partial"; fi
}
trap cleanup EXIT

uri="$("$python" "$pgconn" "$work/pgpass")"
if [[ -s "$work/pgpass" ]]; then
    export PGPASSFILE="$work/pgpass"
fi

mkdir -p "$dir"
target="$dir/bonuspos-$(date -u +%Y%m%dT%H%M%SZ).dump"
partial="$target.partial"
pg_dump --format=custom --no-password --file="$partial" --dbname="$uri"
# A dump cut short (a full disk, a dropped connection) fails to list: not kept as good.
pg_restore --list "$partial" > /dev/null
mv "$partial" "$target"
partial=""
echo "backup: $target ($(du -h "$target" | cut -f1))"

# Retention: past the newest $keep_min, delete those older than $keep_days days.
mapfile -t dumps < <(find "$dir" -maxdepth 1 -type f -name 'bonuspos-*.dump' | sort -r)
for old in "${dumps[@]:$keep_min}"; do
    if [[ -n "$(find "$old" -mtime +"$keep_days")" ]]; then
        rm -f -- "$old"
        echo "backup: deleted $old (older than $keep_days days)"
    fi
done
