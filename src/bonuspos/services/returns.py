"""Returning lines of an earlier sale: money back, points taken back and given back."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.ledger import return_entries
from bonuspos.domain.money import Money, Points
from bonuspos.domain.policy import Policy
from bonuspos.domain.returns import SoldLine, return_line
from bonuspos.ledger.db import Database
from bonuspos.ledger.models import Return, ReturnLine
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.services import events
from bonuspos.services.clock_guard import Action, ClockGuard
from bonuspos.services.errors import NotFound, ReturnAlreadyRecorded
from bonuspos.services.lookup import card_of
from bonuspos.services.views import ReturnReceipt


class Returns:
    def __init__(self, db: Database, guard: ClockGuard, policy: Policy) -> None:
        self._db = db
        self._policy = policy
        self._guard = guard  # the clock, checked before it dates an event

    def return_lines(
        self, return_id: str, sale_id: str, quantities: Mapping[int, int]
    ) -> ReturnReceipt:
        """Return `quantities` (line number to units) of the sale; all or nothing."""
        if not quantities:
            raise InvalidInput("Выберите, что возвращается")
        try:
            uuid.UUID(return_id)
        except ValueError:
            raise InvalidInput("Неверный номер возврата") from None
        with UnitOfWork(self._db.writing) as uow:
            if uow.session.get(Return, return_id) is not None:
                raise ReturnAlreadyRecorded(return_id)
            at = self._guard.now(uow, Action.RETURN)
            sale = uow.sales.get(sale_id)
            if sale is None:
                raise NotFound("Продажа не найдена: проверьте номер чека")
            by_no = {line.line_no: line for line in sale.lines}
            returned = []
            for line_no, qty in sorted(quantities.items()):
                line = by_no.get(line_no)
                if line is None:
                    raise InvalidInput(f"В чеке №{sale.number} нет строки {line_no}")
                sold = SoldLine(
                    line_no=line_no,
                    quantity=line.quantity,
                    amount=Money(line.unit_price * line.quantity - line.discount),
                    earned=Points(line.earned),
                    share=Points(line.share),
                    returned=line.returned,
                )
                returned.append(return_line(sold, qty))
                line.returned += qty
            ret = Return(
                id=return_id,
                sale_id=sale.id,
                occurred_at=at,
                money_back=sum(r.money_back.minor for r in returned),
                taken_back=sum(r.points_taken_back.minor for r in returned),
                given_back=sum(r.points_given_back.minor for r in returned),
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
            uow.session.add(ret)
            uow.session.flush()
            customer = uow.customers.by_id(sale.customer_id) if sale.customer_id else None
            hashes: list[str] = []
            card = None
            if customer is not None:
                entries = return_entries(
                    returned, earned_active_from=sale.activates_on, at=at, policy=self._policy
                )
                hashes = uow.ledger.append(
                    customer.id, customer.uid, entries, at=at, return_id=ret.id
                )
                uow.balances.apply(customer.id, entries, self._policy.store_day(at))
                card = card_of(uow, customer.id, self._policy.store_day(at))
            uow.outbox.append(
                str(uuid.uuid4()),
                events.SALE_RETURNED,
                at,
                events.sale_returned(ret, customer.uid if customer else None, hashes),
            )
            uow.commit()
            return ReturnReceipt(
                return_id=ret.id,
                sale_number=sale.number,
                money_back=Money(ret.money_back),
                points_taken_back=Points(ret.taken_back),
                points_given_back=Points(ret.given_back),
                card=card,
            )
