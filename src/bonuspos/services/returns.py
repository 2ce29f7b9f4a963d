"""Taking goods back: finding the sale, showing what a return would do, and doing it.

The figures come from the rules (bonuspos.domain.returns) over what the sale recorded,
never from the screen; the preview and the return compute them the same way, so what the
cashier showed the customer is what is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime

from bonuspos.domain.cart import TenderKind
from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.ledger import return_entries
from bonuspos.domain.money import Money, Points
from bonuspos.domain.policy import Policy
from bonuspos.domain.receipt_code import sale_id_of
from bonuspos.domain.returns import (
    ReturnedLine,
    SoldLine,
    refund_by_tender,
    refunded_so_far,
    return_line,
)
from bonuspos.domain.staff import Action
from bonuspos.ledger.db import Database
from bonuspos.ledger.sales import SaleRecord, SoldLineRecord
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.protocol import SaleAnswer
from bonuspos.services import audit, events
from bonuspos.services.clock import Clock
from bonuspos.services.clock_guard import Action as Dated
from bonuspos.services.clock_guard import ClockGuard
from bonuspos.services.errors import NotFound, ReturnAlreadyRecorded, Unreachable, storage_problems
from bonuspos.services.lookup import card_of
from bonuspos.services.remote_sales import OFFLINE, ServerSales
from bonuspos.services.staff import require_approval
from bonuspos.services.views import (
    Approval,
    ReturnableLine,
    ReturnPreview,
    ReturnPreviewLine,
    ReturnReceipt,
    SaleForReturn,
    Shift,
)

TENDER_WAYS: dict[TenderKind, str] = {
    TenderKind.BANK_CARD: "на банковскую карту, которой платили",
    TenderKind.INSTALLMENT_CARD: "на карту рассрочки",
    TenderKind.CREDIT: "банку, выдавшему кредит",
}
MAX_RECEIPT_NUMBER = 10**9


def new_return_id() -> str:
    return str(uuid.uuid4())


class Returns:
    def __init__(
        self,
        db: Database,
        guard: ClockGuard,
        policy: Policy,
        clock: Clock,
        remote: ServerSales | None = None,
    ) -> None:
        self._db = db
        self._policy = policy
        self._guard = guard  # the clock, checked before it dates an event
        self._clock = clock
        self._remote = remote  # None: a till with no server

    # --- finding the sale ------------------------------------------------------------------

    def find(self, text: str) -> SaleForReturn:
        """A sale by its receipt's scanned code, or this till's receipt number."""
        text = text.strip()
        sale_id = sale_id_of(text)
        if sale_id is not None:
            with UnitOfWork(self._db.reading) as uow:
                sale = uow.sales.get(sale_id)
                if sale is not None and sale.is_own:
                    return self._view(uow, sale)
            return self._fetch(sale_id)
        if text.isdigit() and 0 < int(text) < MAX_RECEIPT_NUMBER:
            with UnitOfWork(self._db.reading) as uow:
                sale = uow.sales.by_number(int(text))
                if sale is None:
                    raise NotFound(
                        f"На этой кассе нет чека №{int(text)}. Чек другой кассы — "
                        "отсканируйте его штрихкод",
                        "receipt-not-on-this-till",
                        {"number": int(text)},
                    )
                return self._view(uow, sale)
        raise InvalidInput(
            "Отсканируйте штрихкод чека или введите номер чека этой кассы", "receipt-code-invalid"
        )

    def recent_for_card(self, customer_uid: str, limit: int = 20) -> tuple[SaleForReturn, ...]:
        today = self._policy.store_day(self._clock.now())
        with UnitOfWork(self._db.reading) as uow:
            card = uow.customers.card_by_uid(customer_uid, today)
            if card is None:
                raise NotFound("Карта покупателя не найдена: найдите её заново", "card-gone")
            return tuple(self._view(uow, s) for s in uow.sales.recent_for(card.id, limit))

    def _fetch(self, sale_id: str) -> SaleForReturn:
        if self._remote is None:
            raise Unreachable(OFFLINE, "other-till-offline")
        answer = self._remote.fetch(sale_id)
        with storage_problems(), UnitOfWork(self._db.writing) as uow:
            today = self._policy.store_day(self._clock.now())
            card = None
            if answer.get("customer_uid"):
                card = uow.customers.card_by_uid(str(answer["customer_uid"]), today)
            record = _fetched(answer, card.id if card else None, self._policy)
            uow.sales.keep_fetched(record)
            kept = uow.sales.get(sale_id)
            assert kept is not None  # just written
            view = self._view(uow, kept)
            uow.commit()
            return view

    def _view(self, uow: UnitOfWork, sale: SaleRecord) -> SaleForReturn:
        today = self._policy.store_day(self._clock.now())
        card = card_of(uow, sale.customer_id, today) if sale.customer_id else None
        store, _, till = sale.origin.partition("/")
        return SaleForReturn(
            sale_id=sale.id,
            number=sale.number,
            store=store,
            till=till,
            occurred_at=sale.occurred_at,
            card=card,
            lines=tuple(
                ReturnableLine(
                    line_no=line.line_no,
                    sku=line.sku,
                    name=line.name,
                    quantity=line.quantity,
                    returned=line.returned,
                    unit_price=Money(line.unit_price),
                    amount=Money(line.amount),
                    earned=Points(line.earned),
                    share=Points(line.share),
                )
                for line in sale.lines
            ),
            tenders=_tenders(sale),
            spent=Points(sale.spent),
            earned=Points(sale.earned),
            activates_on=sale.activates_on,
            local=sale.is_own,
            refunded=refunded_so_far([_sold(line) for line in sale.lines]),
        )

    # --- what a return would do ------------------------------------------------------------

    def preview(self, sale: SaleForReturn, quantities: Mapping[int, int]) -> ReturnPreview:
        """The return's figures and why, written nowhere."""
        with UnitOfWork(self._db.reading) as uow:
            record = uow.sales.get(sale.sale_id)
            if record is None:
                raise NotFound("Продажа не найдена: найдите чек заново", "sale-gone")
            fresh = self._view(uow, record)
        chosen = {n: q for n, q in quantities.items() if q}
        returned = _returned(record, chosen) if chosen else []
        return self._preview(fresh, record, returned)

    def _preview(
        self, sale: SaleForReturn, record: SaleRecord, returned: list[ReturnedLine]
    ) -> ReturnPreview:
        today = self._policy.store_day(self._clock.now())
        by_no = {line.line_no: line for line in record.lines}
        lines = tuple(
            ReturnPreviewLine(
                line_no=r.line_no,
                name=by_no[r.line_no].name,
                quantity=r.quantity,
                money_back=r.money_back,
                taken_back=r.points_taken_back,
                given_back=r.points_given_back,
                reasons=_line_reasons(by_no[r.line_no], r, record, today),
            )
            for r in returned
        )
        money = Money(sum(r.money_back.minor for r in returned))
        by_tender = refund_by_tender(sale.tenders, sale.refunded, money)
        # Cash needs no explaining; money that goes back elsewhere than into the hand does.
        reasons = [
            f"{amount} — {TENDER_WAYS[kind]}: деньги возвращаются тем же способом, что платили"
            for kind, amount in by_tender
            if kind is not TenderKind.CASH
        ]
        if record.customer_id is None:
            reasons.append("Покупка без карты: баллы не начислялись и не списывались")
        elif sale.card is None:
            reasons.append("Карты покупателя нет на этой кассе: баллы пересчитает сервер")
        if not sale.local:
            reasons.append(f"Чек кассы {sale.store}/{sale.till}: данные сервера")
        return ReturnPreview(
            sale=sale,
            lines=lines,
            money_back=money,
            by_tender=by_tender,
            taken_back=Points(sum(r.points_taken_back.minor for r in returned)),
            given_back=Points(sum(r.points_given_back.minor for r in returned)),
            reasons=tuple(reasons),
        )

    # --- doing it --------------------------------------------------------------------------

    def return_lines(
        self,
        return_id: str,
        sale_id: str,
        quantities: Mapping[int, int],
        *,
        shift: Shift | None = None,
        approval: Approval | None = None,
    ) -> ReturnReceipt:
        """Return `quantities` (line number to units) of the sale; all or nothing."""
        chosen = {n: q for n, q in quantities.items() if q}
        if not chosen:
            raise InvalidInput("Выберите, что возвращается", "return-nothing-chosen")
        try:
            uuid.UUID(return_id)
        except ValueError:
            raise InvalidInput("Неверный номер возврата", "return-id-invalid") from None
        if self._policy.needs_approval(Action.RETURN.value):
            require_approval(approval, Action.RETURN, return_id, "Возврат")
        staff_id = shift.staff.staff_id if shift else None
        approved_by = approval.approver.staff_id if approval else None
        with storage_problems(), UnitOfWork(self._db.writing) as uow:
            if uow.returns.exists(return_id):
                raise ReturnAlreadyRecorded(return_id)
            at = self._guard.now(uow, Dated.RETURN)
            sale = uow.sales.get(sale_id)
            if sale is None:
                raise NotFound("Продажа не найдена: проверьте номер чека", "sale-not-found")
            before = self._view(uow, sale)
            returned = _returned(sale, chosen)
            preview = self._preview(before, sale, returned)
            ret = uow.returns.record(
                return_id, sale.id, returned, at, staff_id=staff_id, approved_by=approved_by
            )
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
            uid = customer.uid if customer else (before.card.customer_uid if before.card else None)
            uow.outbox.append(
                str(uuid.uuid4()),
                events.SALE_RETURNED,
                at,
                events.sale_returned(ret, uid, hashes, approval),
            )
            audit.record(
                uow,
                at,
                Action.RETURN,
                staff_id=staff_id,
                approved_by=approved_by,
                subject=return_id,
                detail=f"чек №{sale.number}, к выдаче {preview.money_back}",
            )
            names = uow.staff.names([i for i in (staff_id, approved_by) if i])
            uow.commit()
        return ReturnReceipt(
            return_id=return_id,
            sale_number=sale.number,
            money_back=preview.money_back,
            points_taken_back=preview.taken_back,
            points_given_back=preview.given_back,
            card=card,
            occurred_at=at,
            lines=preview.lines,
            by_tender=preview.by_tender,
            staff_name=names.get(staff_id or "", ""),
            approved_by=names.get(approved_by) if approved_by else None,
            store=before.store,
            till=before.till,
        )


def _sold(line: SoldLineRecord) -> SoldLine:
    return SoldLine(
        line_no=line.line_no,
        quantity=line.quantity,
        amount=Money(line.amount),
        earned=Points(line.earned),
        share=Points(line.share),
        returned=line.returned,
    )


def _returned(sale: SaleRecord, quantities: Mapping[int, int]) -> list[ReturnedLine]:
    by_no = {line.line_no: line for line in sale.lines}
    returned = []
    for line_no, qty in sorted(quantities.items()):
        line = by_no.get(line_no)
        if line is None:
            raise InvalidInput(
                f"В чеке №{sale.number} нет строки {line_no}",
                "receipt-no-such-line",
                {"number": sale.number, "line_no": line_no},
            )
        returned.append(return_line(_sold(line), qty))
    return returned


def _tenders(sale: SaleRecord) -> tuple[tuple[TenderKind, Money], ...]:
    return tuple((TenderKind(kind), Money(amount)) for kind, amount in sale.tenders)


def _line_reasons(
    line: SoldLineRecord, r: ReturnedLine, sale: SaleRecord, today: date
) -> tuple[str, ...]:
    part = Money(r.money_back.minor + r.points_given_back.minor)
    reasons = [f"{r.quantity} из {line.quantity} шт.: стоимость {part}"]
    if r.points_given_back:
        reasons.append(
            f"из неё {r.points_given_back} оплачено баллами — они вернутся на карту сразу, "
            f"деньгами к выдаче {r.money_back}"
        )
    if r.points_taken_back:
        when = (
            f"ещё не активны (станут доступны {sale.activates_on:%d.%m.%Y})"
            if sale.activates_on > today
            else "уже активны"
        )
        reasons.append(f"за эти шт. начислено {r.points_taken_back}, {when}: снимаются")
    elif sale.customer_id is not None:
        why = {
            "promotional": "акционный товар",
            "discounted": "товар со скидкой",
            "credit_tender": "оплата в кредит",
        }.get(line.exclusion or "", "")
        reasons.append(f"баллы за строку не начислялись{': ' + why if why else ''}")
    return tuple(reasons)


def _fetched(answer: SaleAnswer, customer_id: int | None, policy: Policy) -> SaleRecord:
    """The server's answer as a sale record this till can return against."""
    occurred_at = datetime.fromisoformat(answer["occurred_at"])
    if occurred_at.tzinfo is None or occurred_at.utcoffset() is None:
        raise InvalidInput(
            "Сервер прислал время продажи без часового пояса", "server-time-without-zone"
        )
    return SaleRecord(
        id=answer["sale_id"],
        number=int(answer["number"]),
        origin=f"{answer['store']}/{answer['till']}",
        customer_id=customer_id,
        occurred_at=occurred_at,
        store_day=policy.store_day(occurred_at),
        policy_version=policy.version,
        total=int(answer["total"]),
        spent=int(answer["spent"]),
        earned=int(answer["earned"]),
        activates_on=date.fromisoformat(answer["activates_on"]),
        channel="in_store",
        order_ref="",
        offline=False,
        staff_id=None,
        lines=tuple(
            SoldLineRecord(
                line_no=int(line["line_no"]),
                sku=str(line["sku"]),
                name=str(line["name"]),
                unit_price=int(line["unit_price"]),
                quantity=int(line["quantity"]),
                discount=int(line["discount"]),
                points_per_unit=0,
                promotional=False,
                exclusion=None,
                earned=int(line["earned"]),
                share=int(line["share"]),
                returned=int(line["returned"]),
            )
            for line in answer["lines"]
        ),
        tenders=tuple((str(t["kind"]), int(t["amount"])) for t in answer["tenders"]),
    )
