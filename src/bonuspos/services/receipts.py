"""Receipts from the ledger's own records: the database, not the screen, is the truth."""

from __future__ import annotations

from bonuspos.domain.cart import Channel, TenderKind
from bonuspos.domain.money import Money, Points
from bonuspos.domain.policy import Policy
from bonuspos.ledger.sales import SaleRecord
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.services.clock import Clock
from bonuspos.services.lookup import card_of
from bonuspos.services.views import Receipt, ReceiptLine


def receipt_of(uow: UnitOfWork, sale: SaleRecord, policy: Policy, clock: Clock) -> Receipt:
    staff = uow.staff.get(sale.staff_id) if sale.staff_id else None
    card = None
    if sale.customer_id is not None:
        card = card_of(uow, sale.customer_id, policy.store_day(clock.now()))
    return Receipt(
        sale_id=sale.id,
        number=sale.number,
        occurred_at=sale.occurred_at,
        lines=tuple(
            ReceiptLine(
                line_no=line.line_no,
                name=line.name,
                quantity=line.quantity,
                unit_price=Money(line.unit_price),
                amount=Money(line.amount),
                earned=Points(line.earned),
                exclusion=line.exclusion,
            )
            for line in sale.lines
        ),
        total=Money(sale.total),
        spent=Points(sale.spent),
        due=Money(sale.total - sale.spent),
        tenders=tuple((TenderKind(kind), Money(amount)) for kind, amount in sale.tenders),
        earned=Points(sale.earned),
        activates_on=sale.activates_on,
        channel=Channel(sale.channel),
        order_ref=sale.order_ref,
        offline=sale.offline,
        card=card,
        staff_name=staff.full_name if staff else "",
    )
