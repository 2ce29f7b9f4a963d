"""Sales and returns as the till keeps them; the services see frozen records, never rows.

A sale of another till, fetched from the server for a return, is kept here too, with
its own till's number and `origin` "STORE/TILL": the return of it then refers to a sale
row like any other, and this till's numbering and offline limits ignore it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from sqlalchemy import Table, bindparam, func, insert, select
from sqlalchemy.orm import Session

from bonuspos.domain.money import Money, Points
from bonuspos.domain.policy import Policy
from bonuspos.domain.quote import Settlement
from bonuspos.domain.returns import ReturnedLine
from bonuspos.ledger.models import Return, ReturnLine, Sale, SaleLine, SaleTender
from bonuspos.ledger.statements import Prepared, dbapi

OWN = ""  # the origin of this till's own sales

# The sale's own path: statements built once and run on the session's sqlite3 connection
# (statements.py), in its transaction. The ORM's unit of work (identity map, flush plan,
# per-call compilation) cost several times SQLite's own work for a sale of a few lines.
_sales = cast(Table, Sale.__table__)
_lines = cast(Table, SaleLine.__table__)
_tenders = cast(Table, SaleTender.__table__)
_NUMBER_OF = Prepared(select(_sales.c.number).where(_sales.c.id == bindparam("sale_id")))
_NEXT_NUMBER = Prepared(
    select(func.coalesce(func.max(_sales.c.number), 0) + 1).where(_sales.c.origin == OWN)
)
_OFFLINE_SPENT = Prepared(
    select(func.coalesce(func.sum(_sales.c.spent), 0)).where(
        _sales.c.customer_id == bindparam("customer_id"),
        _sales.c.store_day == bindparam("day"),
        _sales.c.offline.is_(True),
        _sales.c.origin == OWN,
    )
)
_SALE_COLUMNS = (
    "id",
    "number",
    "origin",
    "staff_id",
    "customer_id",
    "occurred_at",
    "store_day",
    "policy_version",
    "total",
    "eligible",
    "spent",
    "earned",
    "activates_on",
    "channel",
    "order_ref",
    "offline",
    "verification",
)
_LINE_COLUMNS = (
    "sale_id",
    "line_no",
    "sku",
    "name",
    "unit_price",
    "quantity",
    "discount",
    "points_per_unit",
    "promotional",
    "exclusion",
    "earned",
    "share",
    "returned",
)
_INSERT_SALE = Prepared(insert(_sales), _SALE_COLUMNS)
_INSERT_LINES = Prepared(insert(_lines), _LINE_COLUMNS)
_INSERT_TENDERS = Prepared(insert(_tenders), ("sale_id", "n", "kind", "amount"))


@dataclass(frozen=True, slots=True)
class SoldLineRecord:
    line_no: int
    sku: str
    name: str
    unit_price: int
    quantity: int
    discount: int
    points_per_unit: int
    promotional: bool
    exclusion: str | None
    earned: int
    share: int
    returned: int

    @property
    def amount(self) -> int:
        return self.unit_price * self.quantity - self.discount


@dataclass(frozen=True, slots=True)
class SaleRecord:
    id: str
    number: int
    origin: str
    customer_id: int | None
    occurred_at: datetime
    store_day: date
    policy_version: int
    total: int
    spent: int
    earned: int
    activates_on: date
    channel: str
    order_ref: str
    offline: bool
    staff_id: str | None
    lines: tuple[SoldLineRecord, ...]
    tenders: tuple[tuple[str, int], ...]  # (kind, amount)
    verification: str | None = None  # JSON, as the event sends it (Sale.verification)

    @property
    def is_own(self) -> bool:
        return self.origin == OWN


@dataclass(frozen=True, slots=True)
class ReturnRecord:
    id: str
    sale_id: str
    occurred_at: datetime
    money_back: int
    taken_back: int
    given_back: int
    staff_id: str | None
    approved_by: str | None
    lines: tuple[ReturnedLine, ...]


def _record(sale: Sale) -> SaleRecord:
    return SaleRecord(
        id=sale.id,
        number=sale.number,
        origin=sale.origin,
        customer_id=sale.customer_id,
        occurred_at=sale.occurred_at,
        store_day=sale.store_day,
        policy_version=sale.policy_version,
        total=sale.total,
        spent=sale.spent,
        earned=sale.earned,
        activates_on=sale.activates_on,
        channel=sale.channel,
        order_ref=sale.order_ref,
        offline=sale.offline,
        staff_id=sale.staff_id,
        lines=tuple(
            SoldLineRecord(
                line_no=line.line_no,
                sku=line.sku,
                name=line.name,
                unit_price=line.unit_price,
                quantity=line.quantity,
                discount=line.discount,
                points_per_unit=line.points_per_unit,
                promotional=line.promotional,
                exclusion=line.exclusion,
                earned=line.earned,
                share=line.share,
                returned=line.returned,
            )
            for line in sale.lines
        ),
        tenders=tuple((t.kind, t.amount) for t in sale.tenders),
        verification=sale.verification,
    )


class Sales:
    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, sale_id: str) -> SaleRecord | None:
        sale = self._s.get(Sale, sale_id)
        return _record(sale) if sale else None

    def exists(self, sale_id: str) -> bool:
        return self.number_of(sale_id) is not None

    def number_of(self, sale_id: str) -> int | None:
        """The receipt number of a sale already written, None if there is none."""
        number = _NUMBER_OF.scalar(dbapi(self._s), {"sale_id": sale_id})
        return int(number) if number is not None else None

    def by_number(self, number: int) -> SaleRecord | None:
        """This till's own sale with receipt number `number`."""
        sale = self._s.execute(
            select(Sale).where(Sale.origin == OWN, Sale.number == number)
        ).scalar_one_or_none()
        return _record(sale) if sale else None

    def next_number(self) -> int:
        return int(_NEXT_NUMBER.scalar(dbapi(self._s)))

    def last(self) -> SaleRecord | None:
        sale = self._s.execute(
            select(Sale).where(Sale.origin == OWN).order_by(Sale.number.desc()).limit(1)
        ).scalar_one_or_none()
        return _record(sale) if sale else None

    def recent_for(self, customer_id: int, limit: int) -> list[SaleRecord]:
        """The card's latest sales this till knows, newest first."""
        rows = self._s.execute(
            select(Sale)
            .where(Sale.customer_id == customer_id)
            .order_by(Sale.occurred_at.desc())
            .limit(limit)
        ).scalars()
        return [_record(sale) for sale in rows]

    def offline_spent(self, customer_id: int, day: date) -> Points:
        values = {"customer_id": customer_id, "day": day}
        return Points(_OFFLINE_SPENT.scalar(dbapi(self._s), values))

    def record(
        self,
        sale_id: str,
        customer_id: int | None,
        settlement: Settlement,
        at: datetime,
        policy: Policy,
        *,
        channel: str = "in_store",
        order_ref: str = "",
        offline: bool = True,
        staff_id: str | None = None,
        verification: str | None = None,
    ) -> SaleRecord:
        """Write a completed sale of this till, its lines and tenders, with the next number."""
        q = settlement.quote
        sale = SaleRecord(
            id=sale_id,
            number=self.next_number(),
            origin=OWN,
            customer_id=customer_id,
            occurred_at=at,
            store_day=policy.store_day(at),
            policy_version=q.policy_version,
            total=q.total.minor,
            spent=settlement.spend.minor,
            earned=q.earns.minor,
            activates_on=q.activates_on,
            channel=channel,
            order_ref=order_ref,
            offline=offline,
            staff_id=staff_id,
            lines=tuple(
                SoldLineRecord(
                    line_no=n,
                    sku=lq.line.sku,
                    name=lq.line.name,
                    unit_price=lq.line.unit_price.minor,
                    quantity=lq.line.quantity,
                    discount=lq.line.discount.minor,
                    points_per_unit=lq.line.points_per_unit.minor,
                    promotional=lq.line.promotional,
                    exclusion=lq.exclusion.value if lq.exclusion else None,
                    earned=lq.earns.minor,
                    share=share.minor,
                    returned=0,
                )
                for n, (lq, share) in enumerate(zip(q.lines, settlement.shares, strict=True), 1)
            ),
            tenders=tuple((t.kind.value, t.amount.minor) for t in settlement.tenders),
            verification=verification,
        )
        self._add(sale, eligible=q.eligible.minor)
        return sale

    def keep_fetched(self, fetched: SaleRecord) -> None:
        """Keep (or refresh) another till's sale as the server showed it."""
        sale = self._s.get(Sale, fetched.id)
        if sale is None:
            # What part of it could earn is the server's business: a return needs the lines.
            self._add(fetched, eligible=0)
            return
        if sale.origin == OWN:
            return  # our own: the ledger here is the truth
        by_no = {line.line_no: line for line in sale.lines}
        for line in fetched.lines:
            if line.line_no in by_no:
                # The server counts every till's returns: never fewer than ours.
                by_no[line.line_no].returned = max(by_no[line.line_no].returned, line.returned)
        self._s.flush()

    def _add(self, record: SaleRecord, *, eligible: int) -> None:
        """The sale, its lines and its tenders: three statements, whatever the basket."""
        db = dbapi(self._s)
        _INSERT_SALE.run(
            db,
            {
                "id": record.id,
                "number": record.number,
                "origin": record.origin,
                "staff_id": record.staff_id,
                "customer_id": record.customer_id,
                "occurred_at": record.occurred_at,
                "store_day": record.store_day,
                "policy_version": record.policy_version,
                "total": record.total,
                "eligible": eligible,
                "spent": record.spent,
                "earned": record.earned,
                "activates_on": record.activates_on,
                "channel": record.channel,
                "order_ref": record.order_ref,
                "offline": record.offline,
                "verification": record.verification,
            },
        )
        if record.lines:
            _INSERT_LINES.run_many(
                db,
                [
                    {
                        "sale_id": record.id,
                        "line_no": line.line_no,
                        "sku": line.sku,
                        "name": line.name,
                        "unit_price": line.unit_price,
                        "quantity": line.quantity,
                        "discount": line.discount,
                        "points_per_unit": line.points_per_unit,
                        "promotional": line.promotional,
                        "exclusion": line.exclusion,
                        "earned": line.earned,
                        "share": line.share,
                        "returned": line.returned,
                    }
                    for line in record.lines
                ],
            )
        if record.tenders:
            _INSERT_TENDERS.run_many(
                db,
                [
                    {"sale_id": record.id, "n": n, "kind": kind, "amount": amount}
                    for n, (kind, amount) in enumerate(record.tenders, 1)
                ],
            )


class Returns:
    def __init__(self, session: Session) -> None:
        self._s = session

    def exists(self, return_id: str) -> bool:
        return self._s.get(Return, return_id) is not None

    def refunded(self, sale_id: str) -> Money:
        """Money already given back for the sale by this till's returns."""
        total = self._s.execute(
            select(func.coalesce(func.sum(Return.money_back), 0)).where(Return.sale_id == sale_id)
        ).scalar_one()
        return Money(total)

    def record(
        self,
        return_id: str,
        sale_id: str,
        returned: list[ReturnedLine],
        at: datetime,
        *,
        staff_id: str | None = None,
        approved_by: str | None = None,
    ) -> ReturnRecord:
        """Write the return and count its units on the sale's lines, in one flush."""
        sale = self._s.get(Sale, sale_id)
        if sale is None:
            raise LookupError(sale_id)
        by_no = {line.line_no: line for line in sale.lines}
        for r in returned:
            by_no[r.line_no].returned += r.quantity
        ret = Return(
            id=return_id,
            sale_id=sale_id,
            occurred_at=at,
            money_back=sum(r.money_back.minor for r in returned),
            taken_back=sum(r.points_taken_back.minor for r in returned),
            given_back=sum(r.points_given_back.minor for r in returned),
            staff_id=staff_id,
            approved_by=approved_by,
        )
        ret.lines = [
            ReturnLine(
                line_no=r.line_no,
                quantity=r.quantity,
                money_back=r.money_back.minor,
                taken_back=r.points_taken_back.minor,
                given_back=r.points_given_back.minor,
            )
            for r in returned
        ]
        self._s.add(ret)
        self._s.flush()
        return ReturnRecord(
            id=ret.id,
            sale_id=sale_id,
            occurred_at=at,
            money_back=ret.money_back,
            taken_back=ret.taken_back,
            given_back=ret.given_back,
            staff_id=staff_id,
            approved_by=approved_by,
            lines=tuple(returned),
        )
