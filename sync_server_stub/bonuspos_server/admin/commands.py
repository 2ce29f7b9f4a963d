"""The admin commands: stores, tills and their tokens, bulk imports, the ledger export, HQ's
balance corrections.

Imports are all or nothing: every row is checked first, and one refused row means none
is loaded, with the report saying which rows and why.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bonuspos.domain.card import Phone
from bonuspos.domain.card import PlasticCard as PlasticNumber
from bonuspos.domain.customer import RULES_VERSION, CustomerForm, accept
from bonuspos.domain.errors import DomainError
from bonuspos.domain.money import Money, Points
from bonuspos_server.admin import corrections, customers, price_tags, report
from bonuspos_server.admin import staff as people
from bonuspos_server.data import policies
from bonuspos_server.data.db import ServerDatabase
from bonuspos_server.data.models import Customer, LedgerEntry, PlasticCard, Product, Store, Till
from bonuspos_server.feeds.changes import bump_feed
from bonuspos_server.ingest import catalog, conflicts
from bonuspos_server.web.auth import new_token, token_hash


class AdminError(Exception):
    pass


def run(db: ServerDatabase, args: argparse.Namespace) -> int:
    commands: dict[str, Callable[[Session, argparse.Namespace], str]] = {
        "migrate": lambda s, a: "database is up to date",
        "add-store": add_store,
        "add-till": add_till,
        "revoke-till": revoke_till,
        "import-catalog": import_catalog,
        "import-customers": import_customers,
        "export-ledger": export_ledger,
        "conflicts": list_conflicts,
        "resolve-conflict": resolve_conflict,
        "adjust": adjust,
        "adjustments": list_adjustments,
        "add-staff": people.add_staff,
        "reset-pin": people.reset_pin,
        "disable-staff": people.disable_staff,
        "staff": people.list_staff,
        "audit": people.audit,
        "report": report.report,
        "price-tags": price_tags.price_tags,
        "customer": customer,
    }
    with db.sessions() as session, session.begin():
        try:
            message = commands[args.command](session, args)
        except (
            people.StaffError,
            report.ReportError,
            price_tags.PriceTagsError,
            customers.RecordRefused,
        ) as exc:
            raise AdminError(str(exc)) from None
    print(message)  # only once committed: "revoked" must mean revoked
    return 0


def _now() -> datetime:
    return datetime.now(UTC)


_CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,32}$")


def _code(what: str, code: str) -> str:
    """Store and till codes as the protocol accepts them in a batch (schemas.Code)."""
    if not _CODE.match(code):
        raise AdminError(f"{what} code {code!r}: 1-32 of A-Z a-z 0-9 _ . -")
    return code


def add_store(session: Session, args: argparse.Namespace) -> str:
    _code("store", args.code)
    if session.execute(select(Store).where(Store.code == args.code)).scalar_one_or_none():
        raise AdminError(f"store {args.code} already exists")
    session.add(Store(code=args.code, name=args.name, created_at=_now()))
    return f"store {args.code} added"


def _store(session: Session, code: str) -> Store:
    store = session.execute(select(Store).where(Store.code == code)).scalar_one_or_none()
    if store is None:
        raise AdminError(f"no store {code}; add it with add-store first")
    return store


def _till(session: Session, store_code: str, till_code: str) -> Till | None:
    store = _store(session, store_code)
    return session.execute(
        select(Till).where(Till.store_id == store.id, Till.code == till_code)
    ).scalar_one_or_none()


def add_till(session: Session, args: argparse.Namespace) -> str:
    _code("till", args.till)
    store = _store(session, args.store)
    if _till(session, args.store, args.till) is not None:
        raise AdminError(f"till {args.store}/{args.till} already exists; revoke-till, then add")
    token = new_token()
    session.add(
        Till(
            store_id=store.id,
            code=args.till,
            token_hash=token_hash(token),
            registered_at=_now(),
            revoked_at=None,
        )
    )
    return (
        f"till {args.store}/{args.till} added. Its token, shown only now "
        f"(give it to `bonuspos configure --token-file`):\n{token}"
    )


def revoke_till(session: Session, args: argparse.Namespace) -> str:
    till = _till(session, args.store, args.till)
    if till is None:
        raise AdminError(f"no till {args.store}/{args.till}")
    if till.revoked_at is None:
        till.revoked_at = _now()
        # Free the code for a new till on the same register; the revoked token stays dead.
        till.code = f"~{till.id}"[:32]
    return f"till {args.store}/{args.till} revoked"


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The file's rows with every cell a string; a short row's missing cells are empty."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, delimiter=";")
            missing = set(columns) - set(reader.fieldnames or ())
            if missing:
                raise AdminError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
            return [(n, _cells(row)) for n, row in enumerate(reader, 2)]
    except OSError as exc:
        raise AdminError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise AdminError(f"{path} is not a UTF-8 CSV file with ';' separators: {exc}") from exc


def _cells(row: dict[str | Any, str | Any]) -> dict[str, str]:
    """A row's cells as text; a row with missing or extra cells is marked, to be refused."""
    short = None in row.values() or None in row
    cells = {k: (v or "") for k, v in row.items() if isinstance(k, str)}
    if short:
        cells[_SHORT] = "yes"
    return cells


_SHORT = "\x00short"


def _refuse(refused: list[str], kind: str) -> None:
    if refused:
        report = "\n".join(f"  {line}" for line in refused)
        raise AdminError(f"{len(refused)} row(s) refused, no {kind} imported:\n{report}")


def import_catalog(session: Session, args: argparse.Namespace) -> str:
    checked: list[dict[str, Any]] = []
    refused: list[str] = []
    seen: set[str] = set()
    for n, row in _rows(args.csv, ("sku", "barcode", "name", "price", "points", "promotional")):
        try:
            if _SHORT in row:
                raise ValueError("missing or extra cells")
            sku, name = row["sku"].strip(), row["name"].strip()
            if len(sku) > 32 or len(name) > 200:
                raise ValueError("sku at most 32 characters, name at most 200")
            price, points = Money.parse(row["price"]), Points.parse(row["points"])
            if not sku or not name or sku in seen:
                raise ValueError("sku and name required, sku unique")
            if price.is_negative or points.is_negative:
                raise ValueError("price and points cannot be negative")
            if points.minor > price.minor:
                # 1 point pays 1 ruble: a tag worth more than its price is a typo.
                raise ValueError("a product cannot earn more points than its price")
            if row["promotional"].strip() not in ("0", "1"):
                raise ValueError("promotional is 0 or 1")
        except (KeyError, ValueError, DomainError) as exc:
            refused.append(f"line {n}: {getattr(exc, 'message', exc)}")
            continue
        seen.add(sku)
        checked.append(
            {
                "sku": sku,
                "name": name,
                "price": price.minor,
                "points": points.minor,
                "promotional": row["promotional"].strip() == "1",
                "barcodes": ",".join(
                    b.strip() for b in row.get("barcode", "").split(",") if b.strip()
                ),
            }
        )
    _refuse(refused, "products")
    for item in checked:
        product = session.get(Product, item["sku"])
        if product is None:
            session.add(Product(change_seq=0, **item))
        else:
            for key, value in item.items():
                setattr(product, key, value)
    session.flush()
    if not checked:
        return "0 product(s) imported"
    bump_feed(session, Product, Product.sku, {item["sku"] for item in checked})
    version = catalog.publish(session.connection(), checked, _now())
    return f"{len(checked)} product(s) imported as price list {version}"


def import_customers(session: Session, args: argparse.Namespace) -> str:
    checked: list[tuple[Any, str | None]] = []
    refused: list[str] = []
    phones: set[str] = set()
    plastics: set[str] = set()
    for n, row in _rows(args.csv, ("phone", "full_name")):
        try:
            if _SHORT in row:
                raise ValueError("missing or extra cells")
            new = accept(
                CustomerForm(
                    row["full_name"],
                    row["phone"],
                    True,
                    True,
                    row.get("email", ""),
                    row.get("birth_date", ""),
                )
            )
            plastic = row.get("plastic_card", "").strip()
            if plastic:
                PlasticNumber(plastic)
                if plastic in plastics or session.get(PlasticCard, plastic) is not None:
                    raise ValueError("this plastic card already belongs to someone")
            if (
                new.phone.e164 in phones
                or session.execute(
                    select(Customer.id).where(Customer.phone == new.phone.e164)
                ).first()
            ):
                raise ValueError(f"phone {new.phone.masked()} is already in the programme")
        except (KeyError, ValueError, DomainError) as exc:
            refused.append(f"line {n}: {getattr(exc, 'message', exc)}")
            continue
        phones.add(new.phone.e164)
        if plastic:
            plastics.add(plastic)
        checked.append((new, plastic or None))
    _refuse(refused, "customers")
    ids = set()
    for new, card in checked:
        customer = Customer(
            uid=str(uuid.uuid4()),
            phone=new.phone.e164,
            full_name=new.full_name,
            email=new.email,
            birth_date=new.birth_date,
            rules_version=RULES_VERSION,
            registered_at=_now(),
            total=0,
            change_seq=0,
        )
        session.add(customer)
        session.flush()
        if card:
            session.add(PlasticCard(number=card, customer_id=customer.id))
        ids.add(customer.id)
    if ids:
        bump_feed(session, Customer, Customer.id, ids)
    return f"{len(checked)} customer(s) imported"


def export_ledger(session: Session, args: argparse.Namespace) -> str:
    count = 0
    with args.csv.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, delimiter=";")
        out.writerow(
            [
                "entry",
                "customer_uid",
                "till",
                "event_id",
                "kind",
                "points",
                "active_from",
                "occurred_at",
            ]
        )
        # The till as the chain's people name it (STORE/TILL), not as a row number.
        rows = session.execute(
            select(LedgerEntry, Customer.uid, Store.code, Till.code)
            .join(Customer, Customer.id == LedgerEntry.customer_id)
            .outerjoin(Till, Till.id == LedgerEntry.till_id)
            .outerjoin(Store, Store.id == Till.store_id)
            .order_by(LedgerEntry.id)
            .execution_options(yield_per=5000)
        )
        for entry, uid, store, till in rows:
            out.writerow(
                [
                    entry.id,
                    uid,
                    f"{store}/{till}" if till else "",
                    entry.event_id or "",
                    entry.kind,
                    entry.points,
                    entry.active_from.isoformat(),
                    entry.occurred_at.isoformat(),
                ]
            )
            count += 1
    return f"{count} ledger entr(ies) written to {args.csv}"


def list_conflicts(session: Session, args: argparse.Namespace) -> str:
    """Sign-ups on a known phone under another name, waiting for HQ (conflicts.py)."""
    found = conflicts.waiting(session)
    if not found:
        return "no phone conflicts waiting"
    zone = policies.current(session).zone
    lines = [f"{len(found)} phone conflict(s) waiting:"]
    for c in found:
        lines.append(
            f"  {c.uid}  {Phone(c.phone).masked()}  holder: {c.holder_name}"
            f"  signed up: {c.full_name}  held points: {Points(c.points).number()}"
            f"  {c.signed_up_at.astimezone(zone):%Y-%m-%d %H:%M} at {c.till}"
        )
    lines.append("decide each with: resolve-conflict UID --attach | --new-holder")
    return "\n".join(lines)


def resolve_conflict(session: Session, args: argparse.Namespace) -> str:
    try:
        uid = str(uuid.UUID(args.uid))
    except ValueError as exc:
        raise AdminError(f"{args.uid!r} is not a customer uid") from exc
    how = conflicts.ATTACHED if args.attach else conflicts.NEW_HOLDER
    try:
        done = conflicts.resolve(session, uid, how, _now())
    except conflicts.Refused as exc:
        raise AdminError(str(exc)) from exc
    phone, points = Phone(done.phone).masked(), Points(done.points).number()
    if done.how == conflicts.ATTACHED:
        now_has = Points(done.holder_points + done.points).number()
        lines = [
            f"attached: {done.full_name}'s held card joined the card of {phone}"
            f" ({done.holder_name})",
            f"  {points} points moved; the card has {now_has}",
            f"  uid {uid} now names that card",
        ]
    else:
        kept = Points(done.holder_points).number()
        lines = [
            f"new holder: {phone} now finds {done.full_name}'s card, with {points} points",
            f"  {done.holder_name}'s card is blocked: no number finds it; its ledger and"
            f" {kept} points are kept under uid {done.blocked_uid}",
            "  the uids tills knew the phone by now name the new holder's card: "
            + ", ".join(done.uids),
        ]
    lines.append("  tills learn of it on their next sync")
    return "\n".join(lines)


def adjust(session: Session, args: argparse.Namespace) -> str:
    try:
        points = Points.parse(args.points)
    except DomainError as exc:
        raise AdminError(f"points {args.points!r}: {exc.message}") from None
    try:
        done = corrections.adjust(
            session,
            args.card,
            points,
            args.reason or "",
            os_user=_os_user(),
            by_name=args.by,
            limit=corrections.limit_of(args.limit),
            now=_now(),
        )
    except corrections.CorrectionRefused as exc:
        raise AdminError(str(exc)) from None
    return f"adjusted {corrections.describe(done)}"


def _os_user() -> str:
    """Who ran the command, as the OS knows them: kept with every correction."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment nor the user database
        return "unknown"


def customer(session: Session, args: argparse.Namespace) -> str:
    return customers.run(session, args, customers.Context(_os_user(), _now()))


def list_adjustments(session: Session, args: argparse.Namespace) -> str:
    zone = policies.current(session).zone
    found = corrections.since(session, args.since, zone)
    if not found:
        return "no corrections" + (f" since {args.since.isoformat()}" if args.since else "")
    return "\n".join(corrections.line(done, zone) for done in found)
