"""Joining the programme at the store: the card works from the first purchase."""

from __future__ import annotations

import uuid

from bonuspos.domain.card import PlasticCard
from bonuspos.domain.customer import CustomerForm, accept
from bonuspos.domain.errors import InvalidCardNumber
from bonuspos.domain.policy import Policy
from bonuspos.ledger.db import Database
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.services import events
from bonuspos.services.clock_guard import Action, ClockGuard
from bonuspos.services.errors import AlreadyRegistered, storage_problems
from bonuspos.services.lookup import card_of
from bonuspos.services.views import CardView


class Registration:
    def __init__(self, db: Database, guard: ClockGuard, policy: Policy) -> None:
        self._db = db
        self._policy = policy
        self._guard = guard  # the clock, checked before it dates an event

    @property
    def policy(self) -> Policy:
        """The rules the till works under, for the form that states them."""
        return self._policy

    def register(
        self, form: CustomerForm, plastic_card: str = "", staff_id: str | None = None
    ) -> CardView:
        new = accept(form)
        card = PlasticCard(plastic_card) if plastic_card else None
        with storage_problems(), UnitOfWork(self._db.writing) as uow:
            at = self._guard.now(uow, Action.REGISTRATION)
            if uow.customers.by_phone(new.phone.e164) is not None:
                raise AlreadyRegistered(new.phone.masked())
            if card is not None and uow.customers.by_plastic(card.number) is not None:
                raise InvalidCardNumber(
                    f"Карта {card.masked()} уже выдана другому покупателю",
                    "plastic-card-taken",
                    {"card": card.masked()},
                )
            row = uow.customers.add(new, uid=str(uuid.uuid4()), at=at)
            if card is not None:
                uow.customers.attach_plastic(card.number, row.id)
            uow.outbox.append(
                str(uuid.uuid4()),
                events.CUSTOMER_REGISTERED,
                at,
                events.customer_registered(
                    row.uid, new, at, card.number if card else None, staff_id
                ),
            )
            view = card_of(uow, row.id, self._policy.store_day(at))
            uow.commit()
            assert view is not None  # just written in this transaction
            return view
