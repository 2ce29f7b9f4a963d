"""Quoting and completing a sale: sale, ledger entries and outbox event in ONE transaction.

The sale id is made when the cart is opened, before any write, so a completion retried
after a crash or a lost answer finds the first one instead of selling twice.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from bonuspos.domain.cart import Cart, Channel, Tender, TenderKind
from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.ledger import sale_entries
from bonuspos.domain.money import Points
from bonuspos.domain.policy import Policy
from bonuspos.domain.quote import Quote, Settlement, quote
from bonuspos.domain.staff import Action as StaffAction
from bonuspos.domain.staff import spend_details
from bonuspos.ledger.cards import CardRow
from bonuspos.ledger.db import Database
from bonuspos.ledger.repositories import PRICE_LIST_SETTING
from bonuspos.ledger.sales import SaleRecord
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.services import events
from bonuspos.services.clock import Clock
from bonuspos.services.clock_guard import Action, ClockGuard
from bonuspos.services.errors import NotFound, SaleAlreadyCompleted, storage_problems
from bonuspos.services.events import verification
from bonuspos.services.holds import OnlineHolds
from bonuspos.services.lookup import card_view
from bonuspos.services.receipts import receipt_of
from bonuspos.services.staff import require_approval
from bonuspos.services.views import CheckoutQuote, Offer, Receipt, SpendProof


class ProofNeeded(InvalidInput):
    """Offline (or the server unreachable), a spend above the threshold needs the customer's
    plastic card or a manager's approval; the screen asks for one."""


def new_sale_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True, slots=True)
class SaleRequest:
    sale_id: str
    cart: Cart
    tenders: tuple[Tender, ...]
    spend: Points = Points(0)
    customer_uid: str | None = None
    channel: Channel = Channel.IN_STORE
    order_ref: str = ""
    staff_id: str | None = None  # who is signed in; the screens always say
    # The screen's last word from the sync worker. A sale spending nothing asks the server
    # for no hold, so this is all that tells an online sale from an offline one.
    online: bool = False
    # Above the policy's verification threshold: the code the customer got by SMS
    # (online), or their plastic card or a manager's approval (offline).
    code: str | None = None
    proof: SpendProof | None = None
    kinds: frozenset[TenderKind] = field(init=False)

    def __post_init__(self) -> None:
        try:
            uuid.UUID(self.sale_id)
        except ValueError:
            raise InvalidInput(
                f"Неверный номер продажи: {self.sale_id!r}", "sale-id-invalid"
            ) from None
        if not self.cart.lines:
            raise InvalidInput("Чек пуст: добавьте товар", "cart-empty")
        if self.channel.needs_order_ref and not self.order_ref.strip():
            raise InvalidInput(
                "Для заказа из интернет-магазина укажите номер заказа", "order-number-missing"
            )
        if self.channel is Channel.PHONE and self.customer_uid is None:
            raise InvalidInput(
                "Заказ по телефону оформляется на карту покупателя", "phone-order-needs-card"
            )
        object.__setattr__(self, "kinds", frozenset(t.kind for t in self.tenders))

    @classmethod
    def of(
        cls,
        offer: Offer,
        sale_id: str,
        *,
        channel: Channel = Channel.IN_STORE,
        order_ref: str = "",
        staff_id: str | None = None,
        online: bool = False,
    ) -> SaleRequest:
        """The sale as offered: its goods, card, spend and tenders."""
        return cls(
            sale_id, offer.cart, offer.tenders, offer.spend, offer.customer_uid,
            channel, order_ref, staff_id, online,
        )  # fmt: skip


class Checkout:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        policy: Policy,
        holds: OnlineHolds | None = None,
        guard: ClockGuard | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._policy = policy
        self._holds = holds  # None: a till with no server, always offline
        self._guard = guard or ClockGuard(clock, policy)

    def quote(
        self,
        cart: Cart,
        customer_uid: str | None,
        tenders: Iterable[TenderKind],
        *,
        online: bool = False,
    ) -> CheckoutQuote:
        """What the screen offers: the cap on points, with why, and what the sale earns.

        `online` is the screen's last word from the sync worker: the server was reached
        lately, so the sale will most likely get a hold and the offline limit is not
        offered. If the hold then cannot be asked, `complete` applies the offline rule.
        """
        at = self._clock.now()
        online = online and self._holds is not None
        with UnitOfWork(self._db.reading) as uow:
            customer = _customer(uow, customer_uid, self._policy.store_day(at))
            q, room = self._quote(uow, cart, customer, frozenset(tenders), at, online=online)
            card = card_view(customer) if customer else None
            return CheckoutQuote(q, card, offline=not online, offline_room=room)

    def needs_verification(self, spend: Points) -> bool:
        """Whether spending `spend` needs the customer's code, plastic card or a manager."""
        return self._policy.needs_verification(spend)

    def send_code(self, customer_uid: str) -> None:
        """Has the server send the card's phone a spend code (raises what it refuses)."""
        if self._holds is None:
            raise InvalidInput("Касса работает без сервера: код не отправить", "code-not-sent")
        with UnitOfWork(self._db.reading) as uow:
            today = self._policy.store_day(self._clock.now())
            customer = uow.customers.card_by_uid(customer_uid, today)
        if customer is None:
            raise NotFound("Карта покупателя не найдена: найдите её заново", "card-gone")
        self._holds.send_code(customer.phone)

    def spend_details(self, request: SaleRequest) -> tuple[str, ...]:
        """What a manager's approval of this spend signs: the card and the points."""
        return spend_details(request.customer_uid or "", request.spend.minor)

    def complete(self, request: SaleRequest) -> Receipt:
        hold_id = self._hold(request)
        try:
            with storage_problems():
                return self._complete(request, hold_id)
        except BaseException:
            if hold_id is not None:
                self._release(hold_id)
            raise

    def _hold(self, request: SaleRequest) -> str | None:
        """Online, the points are reserved on the server before the sale is written."""
        if self._holds is None or not request.spend or request.customer_uid is None:
            return None
        with UnitOfWork(self._db.reading) as uow:
            if uow.sales.exists(request.sale_id):
                return None  # completed before: complete() says so
            # A wrong clock refuses the sale anyway: no need to bother the server first.
            at = self._guard.now(uow, Action.SALE)
            customer = uow.customers.card_by_uid(request.customer_uid, self._policy.store_day(at))
        if customer is None:
            return None  # complete() refuses an unknown card with its own message
        return self._holds.reserve(request.sale_id, customer.phone, request.spend, request.code)

    def _release(self, hold_id: str) -> None:
        if self._holds is not None:
            self._holds.release(hold_id)

    def _complete(self, request: SaleRequest, hold_id: str | None) -> Receipt:
        with UnitOfWork(self._db.writing) as uow:
            done = uow.sales.number_of(request.sale_id)
            if done is not None:
                raise SaleAlreadyCompleted(request.sale_id, done)
            at = self._guard.now(uow, Action.SALE)
            customer = _customer(uow, request.customer_uid, self._policy.store_day(at))
            # One instant for the whole sale: a sale rung at midnight must not take its
            # day from one side of it and its activation date from the other.
            q, _ = self._quote(
                uow, request.cart, customer, request.kinds, at, online=hold_id is not None
            )
            settlement = q.settle(request.spend, request.tenders)
            proof = None
            if customer is not None and hold_id is None and self.needs_verification(request.spend):
                proof = self._proof(uow, request, customer)
            online = hold_id is not None or (
                request.online and not request.spend and self._holds is not None
            )
            sale = self._record(uow, request, settlement, customer, at, online=online, proof=proof)
            hashes: list[str] = []
            if customer is not None:
                entries = sale_entries(settlement, at, self._policy)
                hashes = uow.ledger.append(
                    customer.id, customer.uid, entries, at=at, sale_id=sale.id
                )
                uow.balances.apply(customer.id, entries, self._policy.store_day(at))
            uow.outbox.append(
                str(uuid.uuid4()),
                events.SALE_COMPLETED,
                at,
                events.sale_completed(
                    sale,
                    customer.uid if customer else None,
                    hashes,
                    hold_id=hold_id,
                    price_list=_price_list(uow),
                ),
            )
            receipt = replace(
                receipt_of(uow, sale, self._policy, self._clock),
                cap=q.cap,
                cap_reason=q.cap_reason,
                before=customer.balance if customer else None,
            )
            uow.commit()
            return receipt

    def receipt(self, sale_id: str) -> Receipt | None:
        """A completed sale's receipt: for a reprint, or to show a sale that survived a crash."""
        with UnitOfWork(self._db.reading) as uow:
            sale = uow.sales.get(sale_id)
            return receipt_of(uow, sale, self._policy, self._clock) if sale else None

    def last_receipt(self) -> Receipt | None:
        with UnitOfWork(self._db.reading) as uow:
            sale = uow.sales.last()
            return receipt_of(uow, sale, self._policy, self._clock) if sale else None

    def _quote(
        self,
        uow: UnitOfWork,
        cart: Cart,
        customer: CardRow | None,
        kinds: frozenset[TenderKind],
        at: datetime,
        *,
        online: bool = False,
    ) -> tuple[Quote, Points | None]:
        # Offline, a spend is bounded by the policy's offline limit per card per day on this
        # till; online, the server's hold already guarantees the points exist.
        balance: Points | None = None
        room: Points | None = None
        if customer is not None:
            today = self._policy.store_day(at)
            balance = customer.balance.active
            if not online:
                room = self._policy.offline_limit - uow.sales.offline_spent(customer.id, today)
        q = quote(
            cart,
            tenders=kinds,
            balance=balance,
            policy=self._policy,
            at=at,
            has_card=customer is not None,
            offline_room=room,
        )
        return q, room

    def _record(
        self,
        uow: UnitOfWork,
        request: SaleRequest,
        settlement: Settlement,
        customer: CardRow | None,
        at: datetime,
        *,
        online: bool,
        proof: SpendProof | None = None,
    ) -> SaleRecord:
        return uow.sales.record(
            request.sale_id,
            customer.id if customer else None,
            settlement,
            at,
            self._policy,
            channel=request.channel.value,
            order_ref=request.order_ref.strip(),
            offline=not online,
            staff_id=request.staff_id,
            verification=json.dumps(verification(proof)) if proof else None,
        )

    def _proof(self, uow: UnitOfWork, request: SaleRequest, customer: CardRow) -> SpendProof:
        """The request's proof that the customer is here, checked against the cache."""
        limit = self._policy.verify_spend_above
        proof = request.proof
        if proof is None:
            raise ProofNeeded(
                f"Без связи с сервером списать больше {limit} баллов можно только по"
                " пластиковой карте покупателя или с подтверждением менеджера",
                "spend-proof-needed",
                {"limit": limit},
            )
        if proof.approval is not None:
            require_approval(proof.approval, StaffAction.SPEND, request.sale_id, "Списание баллов")
            return proof
        holder = uow.customers.by_plastic(proof.plastic_card or "")
        if holder is None or holder.id != customer.id:
            raise ProofNeeded(
                "Это не карта покупателя: отсканируйте его пластиковую карту",
                "not-the-customers-plastic",
            )
        return proof


def _price_list(uow: UnitOfWork) -> int | None:
    """The server's price list the catalog came from; None for a catalog loaded on the till."""
    stored = uow.settings.get(PRICE_LIST_SETTING)
    return int(stored) if stored and stored.isdigit() else None


def _customer(uow: UnitOfWork, uid: str | None, today: date) -> CardRow | None:
    if uid is None:
        return None
    row = uow.customers.card_by_uid(uid, today)
    if row is None:
        raise NotFound("Карта покупателя не найдена: найдите её заново", "card-gone")
    return row
