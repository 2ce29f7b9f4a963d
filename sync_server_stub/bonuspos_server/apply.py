"""What each accepted event does to the central ledger, re-checked with the till's own rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bonuspos.domain.card import PlasticCard as PlasticNumber
from bonuspos.domain.cart import Cart, Line, Tender
from bonuspos.domain.customer import CustomerForm, accept
from bonuspos.domain.ledger import EntryKind, LedgerEntry, return_entries, sale_entries
from bonuspos.domain.money import Money, Points
from bonuspos.domain.policy import Policy
from bonuspos.domain.quote import quote
from bonuspos.domain.returns import SoldLine, return_line
from bonuspos_server import cards, policies
from bonuspos_server.auth import Caller
from bonuspos_server.models import (
    Customer,
    CustomerAlias,
    Hold,
    PlasticCard,
    Return,
    Sale,
)
from bonuspos_server.models import (
    LedgerEntry as LedgerRow,
)
from bonuspos_server.problems import Problem, invalid
from bonuspos_server.schemas import BalanceAdjusted, CustomerRegistered, SaleCompleted, SaleReturned

OVERSPENT = "overspent"  # the manager's report lists sales that drove a balance below zero
# A till spent more offline than the policy allows it per card per day: a till to look at.
OFFLINE_LIMIT = "offline-limit-exceeded"


@dataclass
class Context:
    """One batch's moment, and the cards it changed (the changes feed offers them again)."""

    now: datetime
    customers: set[int] = field(default_factory=set)


def _touch(ctx: Context, customer: Customer) -> None:
    ctx.customers.add(customer.id)


def customer_registered(
    session: Session, caller: Caller, p: CustomerRegistered, ctx: Context
) -> str | None:
    new = accept(CustomerForm(p.full_name, p.phone, True, True, p.email, p.birth_date))
    uid = str(p.customer_uid)
    plastic = PlasticNumber(p.plastic_card) if p.plastic_card else None
    if cards.by_uid(session, uid) is not None:
        raise Problem(
            409,
            "customer-exists",
            "Customer already registered",
            "A customer with this uid is already registered",
        )
    same_phone = session.execute(
        select(Customer).where(Customer.phone == new.phone.e164)
    ).scalar_one_or_none()
    if same_phone is not None:
        # Two stores signed the same person up offline: one customer, two uids.
        session.add(CustomerAlias(uid=uid, customer_id=same_phone.id))
        customer, flag = same_phone, "merged"
    else:
        customer = Customer(
            uid=uid,
            phone=new.phone.e164,
            full_name=new.full_name,
            email=new.email,
            birth_date=new.birth_date,
            rules_version=p.rules_version,
            registered_at=p.consented_at,
            total=0,
            change_seq=0,
        )
        session.add(customer)
        session.flush()
        flag = None
    if plastic is not None:
        holder = session.get(PlasticCard, plastic.number)
        if holder is None:
            session.add(PlasticCard(number=plastic.number, customer_id=customer.id))
        elif holder.customer_id != customer.id:
            raise invalid(f"Plastic card {plastic.masked()} belongs to another customer")
    _touch(ctx, customer)
    return flag


def _policy(session: Session, number: int) -> Policy:
    policy = policies.version(session, number)
    if policy is None:
        raise invalid(f"Unknown policy version {number}")
    return policy


def sale_completed(session: Session, caller: Caller, p: SaleCompleted, ctx: Context) -> str | None:
    if session.get(Sale, str(p.sale_id)) is not None:
        raise Problem(
            409,
            "sale-exists",
            "Sale already recorded",
            "This sale id arrived before in another event",
        )
    if p.spent and not p.offline and p.hold_id is None:
        # Online, points are spent only through a hold: that is what stops double spending.
        raise invalid("An online sale that spends points must name its hold")
    if p.channel.needs_order_ref and not p.order_ref.strip():
        raise invalid("A web-shop order paid at pickup needs its order number")
    policy = _policy(session, p.policy_version)
    customer = _card(session, p.customer_uid)
    cart = Cart(
        tuple(
            Line(
                line.sku,
                line.sku,
                Money(line.unit_price),
                line.quantity,
                Points(line.points_per_unit),
                line.promotional,
                Money(line.discount),
            )
            for line in sorted(p.lines, key=lambda line: line.line_no)
        )
    )
    tenders = [Tender(t.kind, Money(t.amount)) for t in p.tenders]
    quoted = quote(
        cart,
        tenders=[t.kind for t in tenders],
        balance=None,
        policy=policy,
        at=p.occurred_at,
        has_card=customer is not None,
    )
    settled = quoted.settle(Points(p.spent), tenders)
    _same("total", p.total, quoted.total.minor)
    _same("earned", p.earned, quoted.earns.minor)
    _same("activates_on", p.activates_on, quoted.activates_on)
    for line, lq, share in zip(
        sorted(p.lines, key=lambda x: x.line_no), quoted.lines, settled.shares, strict=True
    ):
        _same(f"line {line.line_no} earned", line.earned, lq.earns.minor)
        _same(f"line {line.line_no} share", line.share, share.minor)
    flags: list[str] = []
    if p.hold_id is not None and p.spent:
        flags += filter(None, [_capture(session, caller, str(p.hold_id), customer, p)])
    if p.offline and p.spent and customer is not None:
        spent_today = _offline_spent(session, caller, customer, p.occurred_at, policy)
        if spent_today + p.spent > policy.offline_limit.minor:
            flags.append(OFFLINE_LIMIT)
    session.add(
        Sale(
            id=str(p.sale_id),
            till_id=caller.till_id,
            customer_id=customer.id if customer else None,
            occurred_at=p.occurred_at,
            total=p.total,
            spent=p.spent,
            earned=p.earned,
            activates_on=p.activates_on,
            offline=p.offline,
            hold_id=str(p.hold_id) if p.hold_id else None,
            flag=None,
            body=p.model_dump_json(),
        )
    )
    if customer is not None:
        _post(
            session,
            caller,
            customer,
            sale_entries(settled, p.occurred_at, policy),
            p.occurred_at,
            policy,
            ctx.now,
        )
        if p.spent and _active_now(session, customer, policy, ctx.now).is_negative:
            flags.append(OVERSPENT)
        _touch(ctx, customer)
    flag = ",".join(flags) or None  # the manager's report lists why, all reasons at once
    if flag:
        session.flush()
        session.get_one(Sale, str(p.sale_id)).flag = flag
    return flag


def _offline_spent(
    session: Session, caller: Caller, customer: Customer, at: datetime, policy: Policy
) -> int:
    """Points this till already spent offline on this card during the sale's store day."""
    day = policy.store_day(at)
    start = datetime.combine(day, time(0), policy.zone)
    spent = session.execute(
        select(func.coalesce(func.sum(Sale.spent), 0)).where(
            Sale.customer_id == customer.id,
            Sale.till_id == caller.till_id,
            Sale.offline.is_(True),
            Sale.occurred_at >= start,
            Sale.occurred_at < start + timedelta(days=1),
        )
    ).scalar_one()
    return int(spent)


def _capture(
    session: Session, caller: Caller, hold_id: str, customer: Customer | None, p: SaleCompleted
) -> str | None:
    hold = session.get(Hold, hold_id, with_for_update=True)
    if hold is None or customer is None or hold.customer_id != customer.id:
        raise invalid("The sale names a hold that is not this card's")
    if hold.till_id != caller.till_id:
        raise Problem(403, "forbidden", "Not this till's hold", "The hold was made by another till")
    if hold.status == "captured" and hold.sale_id != str(p.sale_id):
        raise Problem(409, "hold-captured", "Hold already used", "Another sale captured this hold")
    if p.spent > hold.points:
        raise invalid(f"The sale spends {p.spent} but its hold reserved {hold.points}")
    released = hold.status == "released"
    hold.status, hold.sale_id = "captured", str(p.sale_id)
    return "hold-was-released" if released else None


def sale_returned(session: Session, caller: Caller, p: SaleReturned, ctx: Context) -> str | None:
    sale = session.get(Sale, str(p.sale_id))
    if sale is None:
        raise invalid("The return names a sale the server does not have")
    if session.get(Return, str(p.return_id)) is not None:
        raise Problem(
            409, "return-exists", "Return already recorded", "This return id arrived before"
        )
    body = SaleCompleted.model_validate_json(sale.body)
    if body.customer_uid is not None and p.customer_uid is not None:
        owner = cards.by_uid(session, str(p.customer_uid))
        if owner is None or owner.id != sale.customer_id:
            raise invalid("The return names another card than its sale's")
    policy = _policy(session, body.policy_version)
    returned_before: dict[int, int] = {}
    for earlier in session.execute(select(Return.body).where(Return.sale_id == sale.id)).scalars():
        for line in SaleReturned.model_validate_json(earlier).lines:
            returned_before[line.line_no] = returned_before.get(line.line_no, 0) + line.quantity
    sold = {line.line_no: line for line in body.lines}
    moved = []
    for line in p.lines:
        s = sold.get(line.line_no)
        if s is None:
            raise invalid(f"The sale has no line {line.line_no}")
        back = return_line(
            SoldLine(
                s.line_no,
                s.quantity,
                Money(s.unit_price * s.quantity - s.discount),
                Points(s.earned),
                Points(s.share),
                returned_before.get(s.line_no, 0),
            ),
            line.quantity,
        )
        _same(f"line {line.line_no} money back", line.money_back, back.money_back.minor)
        _same(f"line {line.line_no} taken back", line.taken_back, back.points_taken_back.minor)
        _same(f"line {line.line_no} given back", line.given_back, back.points_given_back.minor)
        moved.append(back)
    _same("money_back", p.money_back, sum(m.money_back.minor for m in moved))
    _same("taken_back", p.taken_back, sum(m.points_taken_back.minor for m in moved))
    _same("given_back", p.given_back, sum(m.points_given_back.minor for m in moved))
    session.add(
        Return(
            id=str(p.return_id),
            sale_id=sale.id,
            occurred_at=p.occurred_at,
            body=p.model_dump_json(),
        )
    )
    if sale.customer_id is not None:
        customer = cards.lock_customer(session, sale.customer_id)
        entries = return_entries(
            moved, earned_active_from=sale.activates_on, at=p.occurred_at, policy=policy
        )
        _post(session, caller, customer, entries, p.occurred_at, policy, ctx.now)
        _touch(ctx, customer)
    return None


def balance_adjusted(
    session: Session, caller: Caller, p: BalanceAdjusted, ctx: Context
) -> str | None:
    customer = _card(session, p.customer_uid)
    if customer is None or not p.points:
        raise invalid("An adjustment needs a card and a non-zero amount")
    policy = policies.current(session)
    entry = LedgerEntry(EntryKind.ADJUSTED, Points(p.points), policy.store_day(p.occurred_at))
    _post(session, caller, customer, [entry], p.occurred_at, policy, ctx.now)
    _touch(ctx, customer)
    return None


def _card(session: Session, uid: Any) -> Customer | None:
    if uid is None:
        return None
    customer = cards.by_uid(session, str(uid), lock=True)
    if customer is None:
        raise invalid("Unknown card: its registration has not reached the server")
    return customer


def _same(what: str, sent: object, expected: object) -> None:
    if sent != expected:
        raise invalid(f"{what} is {sent}, the rules give {expected}")


def _post(
    session: Session,
    caller: Caller,
    customer: Customer,
    entries: list[LedgerEntry],
    at: datetime,
    policy: Policy,
    now: datetime,
) -> None:
    today = policy.store_day(now)
    for entry in entries:
        session.add(
            LedgerRow(
                customer_id=customer.id,
                till_id=caller.till_id,
                event_id=None,
                kind=entry.kind.value,
                points=entry.points.minor,
                active_from=entry.active_from,
                occurred_at=at,
            )
        )
        customer.total += entry.points.minor
        if entry.active_from > today:
            cards.add_pending(session, customer.id, entry.active_from, entry.points.minor)
    session.flush()


def _active_now(session: Session, customer: Customer, policy: Policy, now: datetime) -> Points:
    return cards.state(session, customer, policy.store_day(now), now).balance.active


CUSTOMER_REGISTERED = (CustomerRegistered, customer_registered)
SALE_COMPLETED = (SaleCompleted, sale_completed)
SALE_RETURNED = (SaleReturned, sale_returned)
BALANCE_ADJUSTED = (BalanceAdjusted, balance_adjusted)
