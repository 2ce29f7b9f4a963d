"""What each accepted event does to the central ledger, re-checked with the till's own rules.

Each handler checks everything first and records last (see working.py): an event that
breaks a rule raises before it has changed anything.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bonuspos.domain.card import PlasticCard as PlasticNumber
from bonuspos.domain.cart import Cart, Line, Tender
from bonuspos.domain.customer import CustomerForm, accept
from bonuspos.domain.ledger import (
    GENESIS_HASH,
    EntryKind,
    LedgerEntry,
    chain_hash,
    return_entries,
    sale_entries,
)
from bonuspos.domain.money import Money, Points
from bonuspos.domain.policy import Policy
from bonuspos.domain.quote import quote
from bonuspos.domain.returns import ReturnedLine, SoldLine, return_line
from bonuspos.domain.staff import Action, return_details
from bonuspos.protocol import Flag
from bonuspos_server.data.models import Hold
from bonuspos_server.ingest import conflicts
from bonuspos_server.ingest.approvals import NotApproved, verify, who
from bonuspos_server.ingest.catalog import Figures
from bonuspos_server.ingest.spend import require_verified
from bonuspos_server.ingest.working import Card, Working
from bonuspos_server.web.problems import Problem, invalid
from bonuspos_server.web.schemas import (
    BalanceAdjusted,
    CustomerRegistered,
    SaleCompleted,
    SaleLineIn,
    SaleReturned,
)

# How far a till's clock may run from the server's: events further ahead are refused,
# and a hold still counts for a sale made this long after it lapsed.
CLOCK_TOLERANCE = timedelta(minutes=5)


def customer_registered(work: Working, p: CustomerRegistered) -> str | None:
    new = accept(CustomerForm(p.full_name, p.phone, True, True, p.email, p.birth_date))
    uid = str(p.customer_uid)
    plastic = PlasticNumber(p.plastic_card) if p.plastic_card else None
    if work.card(uid) is not None:
        raise Problem(
            409,
            "customer-exists",
            "Customer already registered",
            "A customer with this uid is already registered",
        )
    same_phone = work.card_by_phone(new.phone.e164)
    holder = work.plastic_holder(plastic.number) if plastic is not None else None
    if plastic is not None and holder is not None and holder != getattr(same_phone, "id", None):
        raise invalid(f"Plastic card {plastic.masked()} belongs to another customer")
    free_plastic = plastic.number if plastic is not None and holder is None else None
    unknown = who(work, p.staff_id)
    if same_phone is not None:
        # The same person signed up twice, or the number has passed to someone new.
        merged = conflicts.sign_up_on_known_phone(work, p, new, same_phone, free_plastic)
        return joined(merged, unknown)
    card = work.register(
        {
            "uid": uid,
            "phone": new.phone.e164,
            "full_name": new.full_name,
            "email": new.email,
            "birth_date": new.birth_date,
            "rules_version": p.rules_version,
            "registered_at": p.consented_at,
        }
    )
    if free_plastic is not None:
        work.issue_plastic(free_plastic, card)
    return joined(unknown)


def joined(*flags: str | None) -> str | None:
    """Every reason the manager's report lists an event for, as one comma-joined flag."""
    return ",".join(f for f in flags if f) or None


def sale_completed(work: Working, p: SaleCompleted) -> str | None:
    sale_id = str(p.sale_id)
    if sale_id in work.sales:
        raise Problem(
            409,
            "sale-exists",
            "Sale already recorded",
            "This sale id arrived before in another event",
        )
    if p.channel.needs_order_ref and not p.order_ref.strip():
        raise invalid("A web-shop order paid at pickup needs its order number")
    policy = work.policy(p.policy_version)
    card = _card(work, p.customer_uid)
    ordered = sorted(p.lines, key=lambda line: line.line_no)
    tenders = [Tender(t.kind, Money(t.amount)) for t in p.tenders]
    kinds = [t.kind for t in tenders]
    # First the till's own arithmetic, on its own figures: a sale that does not add up
    # is a broken event, refused as such.
    cart = Cart(
        tuple(
            _line(line.sku, line.unit_price, line.quantity, line.points_per_unit, line)
            for line in ordered
        )
    )
    quoted = quote(
        cart,
        tenders=kinds,
        balance=None,
        policy=policy,
        at=p.occurred_at,
        has_card=card is not None,
    )
    settled = quoted.settle(Points(p.spent), tenders)
    _same("total", p.total, quoted.total.minor)
    _same("earned", p.earned, quoted.earns.minor)
    _same("activates_on", p.activates_on, quoted.activates_on)
    for line, lq, share in zip(ordered, quoted.lines, settled.shares, strict=True):
        _same(f"line {line.line_no} earned", line.earned, lq.earns.minor)
        _same(f"line {line.line_no} share", line.share, share.minor)
    # Then what it earns is the catalog's word, not the till's.
    tags, mismatch = _catalog_tags(work, ordered, p.price_list, p.occurred_at, policy)
    by_catalog = quote(
        Cart(
            tuple(
                _line(line.sku, tag.price, line.quantity, tag.points, line, tag.promotional)
                for line, tag in zip(ordered, tags, strict=True)
            )
        ),
        tenders=kinds,
        balance=None,
        policy=policy,
        at=p.occurred_at,
        has_card=card is not None,
    )
    flags: list[str] = [Flag.PRICE_MISMATCH] if mismatch else []
    if (unknown := who(work, p.staff_id)) is not None:
        flags.append(unknown)
    capture, unheld = _hold(work, card, p) if p.spent and not p.offline else (None, None)
    if unheld is not None:
        flags.append(unheld)
    # Points no live hold reserved were spent on the till's word alone, as offline: the
    # offline limit bounds them. The sale stands either way; the goods have left.
    offline = p.offline or unheld is not None
    day = policy.store_day(p.occurred_at)
    if offline and p.spent and card is not None:
        spent_today = work.offline_spent(card, day, policy) + p.spent
        if spent_today > policy.offline_limit.minor:
            flags.append(Flag.OFFLINE_LIMIT)
    if card is not None:
        require_verified(work, policy, card, p, capture if unheld is None else None)
    # Every check has passed: from here on the sale is recorded.
    if capture is not None:
        capture.status, capture.sale_id = "captured", sale_id
    earns = by_catalog.earns if card is not None else Points(0)
    if card is not None:
        claimed = sale_entries(settled, p.occurred_at, policy)
        if chain_broken(work, str(p.customer_uid), sale_id, None, claimed, p):
            flags.append(Flag.CHAIN_BROKEN)
        entries = [e for e in claimed if e.kind is not EntryKind.EARNED]
        if earns:
            entries.append(LedgerEntry(EntryKind.EARNED, earns, quoted.activates_on))
        post(work, card, entries, p.occurred_at, policy)
        if p.spent and card.active_on(policy.store_day(work.now)) < 0:
            flags.append(Flag.OVERSPENT)
    # What the server keeps is what it credited: returns are computed from it.
    credited = p.model_copy(
        update={
            "earned": earns.minor,
            "lines": [
                line.model_copy(
                    update={
                        "points_per_unit": tag.points,
                        "promotional": tag.promotional,
                        "earned": lq.earns.minor,
                    }
                )
                for line, tag, lq in zip(ordered, tags, by_catalog.lines, strict=True)
            ],
        }
    )
    flag = ",".join(flags) or None  # the manager's report lists why, all reasons at once
    work.sale(
        {
            "id": sale_id,
            "till_id": work.till_id,
            "customer_id": card.id if card else None,
            "occurred_at": p.occurred_at,
            "total": p.total,
            "spent": p.spent,
            "earned": earns.minor,
            "activates_on": p.activates_on,
            "offline": offline,
            "hold_id": str(p.hold_id) if p.hold_id else None,
            "flag": flag,
            "body": credited.model_dump_json(),
            "staff_id": work.staff_id,
        },
        day,
    )
    return flag


def _line(
    sku: str,
    price: int,
    quantity: int,
    points: int,
    sold: SaleLineIn,
    promotional: bool | None = None,
) -> Line:
    # Money is the till's (it changed hands); the discount cannot exceed the line's worth.
    gross = price * quantity
    return Line(
        sku,
        sku,
        Money(price),
        quantity,
        Points(points),
        sold.promotional if promotional is None else promotional,
        Money(min(sold.discount, gross)),
    )


def _catalog_tags(
    work: Working, lines: list[SaleLineIn], named: int | None, at: datetime, policy: Policy
) -> tuple[list[Figures], bool]:
    """Each line's price tag as the catalog gives it, and whether the till's differed."""
    honoured = work.prices.honoured(named, at, policy.price_list_grace)
    tags: list[Figures] = []
    mismatch = False
    for line in lines:
        sold = Figures(line.unit_price, line.points_per_unit, line.promotional)
        known = [f for v in honoured if (f := work.prices.figures(line.sku, v)) is not None]
        if sold in known:
            tags.append(sold)
            continue
        mismatch = True
        if known:
            work.mistagged.add(line.sku)
        # An SKU the catalog never had earns nothing and pays for nothing; a known one
        # earns what the catalog's tag says, at the price the customer really paid.
        tag = known[0] if known else Figures(line.unit_price, 0, True)
        points = min(tag.points, line.unit_price)  # a tag never earns more than its price
        tags.append(Figures(line.unit_price, points, tag.promotional))
    return tags, mismatch


def _hold(work: Working, card: Card | None, p: SaleCompleted) -> tuple[Hold | None, Flag | None]:
    """The hold an online spend captures, and why it did not reserve the spend, if it did not.

    Online, points are spent through a hold: that is what stops two tills spending the
    same points. A hold released, or lapsed before the sale was made, is captured (no
    other sale may use it) but reserved nothing: `hold-lapsed`. No hold, or one this sale
    cannot use (another card's, another till's, another sale's, smaller than the spend),
    is left as it is: `hold-mismatch`.
    """
    hold = work.holds.get(str(p.hold_id)) if p.hold_id is not None else None
    if (
        hold is None
        or card is None
        or hold.customer_id != card.id
        or hold.till_id != work.till_id
        or (hold.status == "captured" and hold.sale_id != str(p.sale_id))
        or p.spent > hold.points
    ):
        return None, Flag.HOLD_MISMATCH
    if hold.status == "released" or hold.expires_at + CLOCK_TOLERANCE < p.occurred_at:
        return hold, Flag.HOLD_LAPSED
    return hold, None


def sale_returned(work: Working, p: SaleReturned) -> str | None:
    sale = work.sales.get(str(p.sale_id))
    if sale is None:
        raise invalid("The return names a sale the server does not have")
    if str(p.return_id) in work.return_ids:
        raise Problem(
            409, "return-exists", "Return already recorded", "This return id arrived before"
        )
    body = SaleCompleted.model_validate_json(sale.body)
    if body.customer_uid is not None and p.customer_uid is not None:
        owner = work.card(str(p.customer_uid))
        if owner is None or owner.id != sale.customer_id:
            raise invalid("The return names another card than its sale's")
    policy = work.policy(body.policy_version)
    sold = {line.line_no: line for line in body.lines}
    moved: list[ReturnedLine] = []
    claimed: list[ReturnedLine] = []
    back_now: dict[int, int] = {}  # units this return takes back, by line
    for line in p.lines:
        s = sold.get(line.line_no)
        if s is None:
            raise invalid(f"The sale has no line {line.line_no}")
        # Cumulative over every return of the sale, this one's earlier lines included:
        # no way of listing lines gives back more than the sale took.
        already = sale.returned.get(s.line_no, 0) + back_now.get(s.line_no, 0)
        moved.append(
            return_line(
                SoldLine(
                    s.line_no,
                    s.quantity,
                    Money(s.unit_price * s.quantity - s.discount),
                    Points(s.earned),
                    Points(s.share),
                    already,
                ),
                line.quantity,
            )
        )
        back_now[s.line_no] = back_now.get(s.line_no, 0) + line.quantity
        claimed.append(
            ReturnedLine(
                line.line_no,
                line.quantity,
                Money(line.money_back),
                Points(line.taken_back),
                Points(line.given_back),
            )
        )
    # The till's totals must add up its own lines; its lines are then the server's to check.
    _same("money_back", p.money_back, sum(c.money_back.minor for c in claimed))
    _same("taken_back", p.taken_back, sum(c.points_taken_back.minor for c in claimed))
    _same("given_back", p.given_back, sum(c.points_given_back.minor for c in claimed))
    flags: list[str] = [Flag.PRICE_MISMATCH] if claimed != moved else []
    if (unknown := who(work, p.staff_id)) is not None:
        flags.append(unknown)
    approver = _return_approver(work, p)
    if approver is None and work.current_policy().needs_approval(Action.RETURN):
        # The money has gone back already: the return stands, the manager's report lists it.
        flags.append(Flag.UNAPPROVED)
    credited = p.model_copy(
        update={
            "money_back": sum(m.money_back.minor for m in moved),
            "taken_back": sum(m.points_taken_back.minor for m in moved),
            "given_back": sum(m.points_given_back.minor for m in moved),
            "lines": [
                line.model_copy(
                    update={
                        "money_back": m.money_back.minor,
                        "taken_back": m.points_taken_back.minor,
                        "given_back": m.points_given_back.minor,
                    }
                )
                for line, m in zip(p.lines, moved, strict=True)
            ],
        }
    )
    work.returned(
        sale,
        {
            "id": str(p.return_id),
            "sale_id": sale.id,
            "till_id": work.till_id,
            "occurred_at": p.occurred_at,
            "body": credited.model_dump_json(),
            "staff_id": work.staff_id,
            "approved_by": approver,
        },
        credited,
    )
    if sale.customer_id is not None:
        card = work.cards_by_id[sale.customer_id]
        uid = str(p.customer_uid or card.uid)
        # The chain is over what the till recorded; the ledger gets what the server credits.
        recorded = return_entries(
            claimed, earned_active_from=sale.activates_on, at=p.occurred_at, policy=policy
        )
        if chain_broken(work, uid, None, p.return_id, recorded, p):
            flags.append(Flag.CHAIN_BROKEN)
        entries = return_entries(
            moved, earned_active_from=sale.activates_on, at=p.occurred_at, policy=policy
        )
        post(work, card, entries, p.occurred_at, policy)
    return ",".join(flags) or None


def _return_approver(work: Working, p: SaleReturned) -> str | None:
    """The manager whose approval of this return holds, if one does."""
    if p.approval is None:
        return None
    try:
        approver = verify(
            work,
            Action.RETURN,
            p.approval,
            subject=str(p.return_id),
            details=return_details(str(p.sale_id)),
            occurred_at=p.occurred_at,
        )
    except NotApproved:
        return None
    return approver.id


def chain_broken(
    work: Working,
    customer_uid: str,
    sale_id: str | None,
    return_id: Any,
    entries: list[LedgerEntry],
    p: SaleCompleted | SaleReturned | BalanceAdjusted,
) -> bool:
    """Whether the till's hashes for these entries fail to chain on its last reported one.

    A till that never sent hashes (a client of the protocol that keeps no chain) is not
    checked; one that did must go on chaining every entry it makes.
    """
    if not p.ledger_hashes and (work.chain_head is None or not entries):
        return False
    prev = work.chain_head or GENESIS_HASH
    expected = []
    for entry in entries:
        prev = chain_hash(
            prev, customer_uid, sale_id, str(return_id) if return_id else None, entry, p.occurred_at
        )
        expected.append(prev)
    return expected != list(p.ledger_hashes)


def _card(work: Working, uid: Any) -> Card | None:
    if uid is None:
        return None
    card = work.card(str(uid))
    if card is None:
        raise invalid("Unknown card: its registration has not reached the server")
    return card


def _same(what: str, sent: object, expected: object) -> None:
    if sent != expected:
        raise invalid(f"{what} is {sent}, the rules give {expected}")


def post(
    work: Working, card: Card, entries: list[LedgerEntry], at: datetime, policy: Policy
) -> None:
    today = policy.store_day(work.now)
    for entry in entries:
        work.post(card, entry.kind.value, entry.points.minor, entry.active_from, at, today)


CUSTOMER_REGISTERED = (CustomerRegistered, customer_registered)
SALE_COMPLETED = (SaleCompleted, sale_completed)
SALE_RETURNED = (SaleReturned, sale_returned)
