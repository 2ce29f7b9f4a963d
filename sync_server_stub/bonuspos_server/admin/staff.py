"""Staff kept centrally: `add-staff`, `reset-pin`, `disable-staff`, `staff`, `audit`.

A PIN is read from the terminal (twice) or one line of stdin, never from the command
line, where `ps` shows it to every user of the machine. The server keeps the PIN's
scrypt key; the listing never prints it. Every change takes the next place in the
changes feed, so the store's tills learn of it on their next pull.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from bonuspos.domain.errors import DomainError
from bonuspos.domain.staff import Role, check_name, new_pin
from bonuspos_server.data import policies
from bonuspos_server.data.models import AuditEntry, Staff, Store, Till
from bonuspos_server.feeds.changes import bump_feed


class StaffError(Exception):
    """Nothing was written; the message says why, for the person at the console."""


def read_pin(
    from_stdin: bool,
    *,
    stdin: TextIO | None = None,
    ask: Callable[[str], str] = getpass.getpass,
) -> str:
    """The new PIN: one line of stdin with `--pin-stdin`, else typed twice on a terminal."""
    stream = stdin if stdin is not None else sys.stdin
    if from_stdin:
        return stream.readline().rstrip("\r\n")
    if not stream.isatty():
        raise StaffError("no terminal to type the PIN on: give it on stdin with --pin-stdin")
    pin = ask("PIN: ")
    if ask("PIN again: ") != pin:
        raise StaffError("the two PINs differ; nothing changed")
    return pin


def _store(session: Session, code: str) -> Store:
    store = session.execute(select(Store).where(Store.code == code)).scalar_one_or_none()
    if store is None:
        raise StaffError(f"no store {code}; add it with add-store first")
    return store


def _person(session: Session, staff_id: str) -> Staff:
    try:
        canonical = str(uuid.UUID(staff_id))
    except ValueError:
        raise StaffError(f"{staff_id!r} is not a staff id") from None
    person = session.get(Staff, canonical, with_for_update=True)
    if person is None:
        raise StaffError(f"no staff member {canonical}")
    return person


def add_staff(session: Session, args: argparse.Namespace) -> str:
    store = _store(session, args.store)
    role = Role(args.role)
    try:
        name = check_name(args.full_name)
        record, key = new_pin(args.pin, role)
    except DomainError as exc:
        raise StaffError(exc.message) from None
    person = Staff(
        id=str(uuid.uuid4()),
        store_id=store.id,
        full_name=name,
        role=role.value,
        active=True,
        kdf=record.kdf,
        key=key.hex(),
        verifier=record.verifier,
        locked_until=None,
        change_seq=0,
        created_at=datetime.now(UTC),
    )
    session.add(person)
    session.flush()
    bump_feed(session, Staff, Staff.id, {person.id})
    return person.id  # alone on its line: a script can take it


def reset_pin(session: Session, args: argparse.Namespace) -> str:
    person = _person(session, args.staff_id)
    try:
        record, key = new_pin(args.pin, Role(person.role))
    except DomainError as exc:
        raise StaffError(exc.message) from None
    person.kdf, person.key, person.verifier = record.kdf, key.hex(), record.verifier
    person.locked_until = None
    session.flush()
    bump_feed(session, Staff, Staff.id, {person.id})
    return f"PIN of {person.full_name} ({person.id}) reset; any lockout cleared"


def disable_staff(session: Session, args: argparse.Namespace) -> str:
    person = _person(session, args.staff_id)
    if not person.active:
        return f"{person.full_name} ({person.id}) was already disabled"
    person.active = False
    session.flush()
    bump_feed(session, Staff, Staff.id, {person.id})
    return (
        f"{person.full_name} ({person.id}) disabled; the store's tills learn it on their next sync"
    )


def list_staff(session: Session, args: argparse.Namespace) -> str:
    store = _store(session, args.store)
    people = session.execute(
        select(Staff).where(Staff.store_id == store.id).order_by(Staff.full_name, Staff.id)
    ).scalars()
    zone = policies.current(session).zone
    now = datetime.now(UTC)
    lines = []
    for p in people:
        state = "active" if p.active else "disabled"
        if p.locked_until is not None and p.locked_until > now:
            state += f", locked until {p.locked_until.astimezone(zone):%Y-%m-%d %H:%M}"
        lines.append(f"{p.id}  {p.role:<8}  {p.full_name}  ({state})")
    return "\n".join(lines) if lines else f"no staff at {store.code}"


AUDIT_COLUMNS = ("time", "till", "staff", "action", "approved_by", "subject", "detail")


def audit(session: Session, args: argparse.Namespace) -> str:
    """The store's audit entries of one Minsk day, oldest first: a table, or a CSV file."""
    store = _store(session, args.store)
    zone = policies.current(session).zone
    start = datetime.combine(args.date, time(0), zone)
    approver = aliased(Staff)
    found = session.execute(
        select(AuditEntry, Till.code, Staff.full_name, approver.full_name)
        .join(Till, Till.id == AuditEntry.till_id)
        .outerjoin(Staff, Staff.id == AuditEntry.staff_id)
        .outerjoin(approver, approver.id == AuditEntry.approved_by)
        .where(
            AuditEntry.store_id == store.id,
            AuditEntry.occurred_at >= start,
            AuditEntry.occurred_at < start + timedelta(days=1),
        )
        .order_by(AuditEntry.occurred_at, AuditEntry.audit_id)
    ).all()
    rows = [
        (
            entry.occurred_at.astimezone(zone).strftime("%H:%M:%S"),
            till,
            name or entry.staff_id or "—",
            entry.action,
            approved or entry.approved_by or "",
            entry.subject,
            entry.detail,
        )
        for entry, till, name, approved in found
    ]
    if args.csv is not None:
        with args.csv.open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle, delimiter=";")
            out.writerow(AUDIT_COLUMNS)
            out.writerows([spreadsheet_text(c) for c in row] for row in rows)
        return f"{len(rows)} audit entr(ies) of {store.code} on {args.date} written to {args.csv}"
    if not rows:
        return f"no audit entries at {store.code} on {args.date}"
    widths = [max(len(str(r[n])) for r in [AUDIT_COLUMNS, *rows]) for n in range(6)]
    return "\n".join(
        "  ".join(str(c).ljust(w) for c, w in zip(row[:6], widths, strict=True)) + "  " + row[6]
        for row in [AUDIT_COLUMNS, *rows]
    )


def spreadsheet_text(text: str) -> str:
    """Text a spreadsheet shows as text: words from a till or a code never run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
