"""Sign-ups on a phone someone already holds: merged for the same person, else held for HQ.

Phone numbers pass to new people. A sign-up under another name than the holder's is
still accepted (the till has sold to that person already), onto a held card of its own:
it has no phone, so no lookup or hold finds it and the changes feed leaves it out, and
the till that signed the person up keeps selling on it. HQ then attaches it to the
holder's card (the same person after all) or makes its person the phone's new holder.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session, aliased

from bonuspos.domain.customer import NewCustomer, normalise_name
from bonuspos.protocol import Flag
from bonuspos_server.data.models import (
    Customer,
    CustomerAlias,
    Hold,
    LedgerEntry,
    PendingPoints,
    PhoneConflict,
    PlasticCard,
    Sale,
    Store,
    Till,
)
from bonuspos_server.feeds.changes import bump_feed
from bonuspos_server.ingest import bulk
from bonuspos_server.ingest.working import Card, Working
from bonuspos_server.web.schemas import CustomerRegistered

MERGED = Flag.MERGED.value
PHONE_CONFLICT = Flag.PHONE_CONFLICT.value
WAITING, ATTACHED, NEW_HOLDER = "waiting", "attached", "new-holder"


def sign_up_on_known_phone(
    work: Working, p: CustomerRegistered, new: NewCustomer, holder: Card, plastic: str | None
) -> str:
    """Record a sign-up on the phone `holder` holds; the flag it is answered with.

    `plastic` is the sign-up's plastic card when nobody holds that number yet.
    """
    uid, name = str(p.customer_uid), normalise_name(new.full_name)
    if name == _name_key(work.session, holder.id):
        # Two stores signed the same person up offline: one customer, two uids.
        work.alias(uid, holder)
        if plastic is not None:
            work.issue_plastic(plastic, holder)
        return MERGED
    held = _held_for(work, new.phone.e164, name)
    if held is not None:
        # The same newcomer signed up again, at another till: one held card for them.
        work.alias(uid, held)
        return PHONE_CONFLICT
    card = work.register(
        {
            "uid": uid,
            "phone": None,
            "full_name": new.full_name,
            "email": new.email,
            "birth_date": new.birth_date,
            "rules_version": p.rules_version,
            "registered_at": p.consented_at,
        }
    )
    work.session.execute(
        insert(PhoneConflict).values(
            uid=uid,
            phone=new.phone.e164,
            full_name=new.full_name,
            customer_id=card.id,
            holder_id=holder.id,
            till_id=work.till_id,
            event_id=work.event_id,
            signed_up_at=p.consented_at,
            plastic_card=plastic,
            status=WAITING,
            blocked_plastic="",
        )
    )
    return PHONE_CONFLICT


def _name_key(session: Session, customer_id: int) -> str:
    name = session.execute(select(Customer.full_name).where(Customer.id == customer_id))
    return normalise_name(name.scalar_one())


def _held_for(work: Working, phone: str, name: str) -> Card | None:
    """The held card of a waiting conflict on this phone under this name, locked."""
    rows = work.session.execute(
        select(PhoneConflict.customer_id, Customer.full_name)
        .join(Customer, Customer.id == PhoneConflict.customer_id)
        .where(PhoneConflict.phone == phone, PhoneConflict.status == WAITING)
    )
    for customer_id, full_name in rows:
        if customer_id is not None and normalise_name(full_name) == name:
            return work.card_by_id(customer_id)
    return None


# --- HQ's side: listing and resolving --------------------------------------------------


class Refused(Exception):
    """HQ asked for something the conflicts do not allow; the message says why."""


@dataclass(frozen=True, slots=True)
class Waiting:
    uid: str
    phone: str  # E.164: masked where it is shown
    holder_name: str
    full_name: str
    points: int  # on the held card: the whole ledger, active and pending
    signed_up_at: datetime
    till: str  # STORE/TILL


def waiting(session: Session) -> list[Waiting]:
    """The conflicts waiting for HQ, oldest first, each with the phone's holder today."""
    held, holder = aliased(Customer), aliased(Customer)
    rows = session.execute(
        select(
            PhoneConflict.uid,
            PhoneConflict.phone,
            holder.full_name,
            PhoneConflict.full_name,
            held.total,
            PhoneConflict.signed_up_at,
            Store.code,
            Till.code,
        )
        .join(held, held.id == PhoneConflict.customer_id)
        .join(holder, holder.phone == PhoneConflict.phone)
        .join(Till, Till.id == PhoneConflict.till_id)
        .join(Store, Store.id == Till.store_id)
        .where(PhoneConflict.status == WAITING)
        .order_by(PhoneConflict.id)
    )
    return [Waiting(*row[:6], f"{row[6]}/{row[7]}") for row in rows]


@dataclass(frozen=True, slots=True)
class Resolved:
    how: str  # ATTACHED or NEW_HOLDER
    phone: str  # E.164
    full_name: str  # the person who signed up
    holder_name: str  # who held the phone until now
    points: int  # the held card's points
    holder_points: int  # the holder's card's points before
    uids: tuple[str, ...]  # the uids that now name the card the phone finds, besides its own
    blocked_uid: str | None  # NEW_HOLDER: the old holder's card, under its new uid


def resolve(session: Session, uid: str, how: str, now: datetime) -> Resolved:
    """Attach the held card to the phone's holder, or make its person the new holder.

    One transaction (the caller's); the card the phone finds afterwards gets a new place
    in the changes feed, so tills learn of the decision on their next pull.
    """
    conflict = session.execute(
        select(PhoneConflict).where(PhoneConflict.uid == uid).with_for_update()
    ).scalar_one_or_none()
    if conflict is None:
        raise Refused(f"no phone conflict for uid {uid}; `conflicts` lists those waiting")
    if conflict.status != WAITING or conflict.customer_id is None:
        when = f" on {conflict.resolved_at:%Y-%m-%d %H:%M} UTC" if conflict.resolved_at else ""
        raise Refused(f"the conflict for uid {uid} was already resolved ({conflict.status}{when})")
    holder_id = session.execute(
        select(Customer.id).where(Customer.phone == conflict.phone)
    ).scalar_one()
    # In id order, as batches lock cards, so the two never wait on each other in a circle.
    locked = session.execute(
        select(Customer)
        .where(Customer.id.in_((holder_id, conflict.customer_id)))
        .order_by(Customer.id)
        .with_for_update()
    ).scalars()
    cards = {card.id: card for card in locked}
    held, holder = cards[conflict.customer_id], cards[holder_id]
    points, holder_points, holder_name = held.total, holder.total, holder.full_name
    conflict.status, conflict.resolved_at = how, now
    blocked_uid = None
    if how == ATTACHED:
        kept = _attach(session, conflict, held, holder)
    else:
        kept = _new_holder(session, conflict, held, holder)
        blocked_uid = holder.uid
    plastic = conflict.plastic_card
    if plastic is not None and session.get(PlasticCard, plastic) is None:
        session.add(PlasticCard(number=plastic, customer_id=kept.id))
    session.flush()
    bump_feed(session, Customer, Customer.id, {kept.id})
    uids = session.execute(
        select(CustomerAlias.uid)
        .where(CustomerAlias.customer_id == kept.id)
        .order_by(CustomerAlias.uid)
    ).scalars()
    return Resolved(
        how,
        conflict.phone,
        conflict.full_name,
        holder_name,
        points,
        holder_points,
        tuple(uids),
        blocked_uid,
    )


def _attach(
    session: Session, conflict: PhoneConflict, held: Customer, holder: Customer
) -> Customer:
    """The same person after all: every row of the held card moves to the holder's."""
    for model in (LedgerEntry, Sale, Hold, PlasticCard, CustomerAlias):
        session.execute(
            update(model).where(model.customer_id == held.id).values(customer_id=holder.id)
        )
    pending = session.execute(
        select(PendingPoints.active_from, PendingPoints.points).where(
            PendingPoints.customer_id == held.id
        )
    )
    bulk.add_pending(session, {(holder.id, day): points for day, points in pending})
    session.execute(delete(PendingPoints).where(PendingPoints.customer_id == held.id))
    holder.total += held.total
    conflict.customer_id = None
    session.flush()  # nothing points at the held card any more
    session.delete(held)
    session.add(CustomerAlias(uid=conflict.uid, customer_id=holder.id))
    return holder


def _new_holder(
    session: Session, conflict: PhoneConflict, held: Customer, holder: Customer
) -> Customer:
    """The number passed to the newcomer: their card takes it, the old card is blocked."""
    mine = PlasticCard.customer_id == holder.id
    # Nothing may find a blocked card; HQ still knows its plastic cards from here.
    conflict.blocked_plastic = ",".join(
        session.scalars(select(PlasticCard.number).where(mine).order_by(PlasticCard.number))
    )
    session.execute(delete(PlasticCard).where(mine))
    session.execute(update(Customer).where(Customer.id == holder.id).values(phone=None))
    session.flush()  # the phone is free before the newcomer's card takes it
    held.phone = conflict.phone
    # Tills keep a card under the uid they first knew it by and find it by its phone:
    # every uid they know this phone by now names the new holder, and the blocked card,
    # which no till will send again, gets a uid of its own.
    session.execute(
        update(CustomerAlias)
        .where(CustomerAlias.customer_id == holder.id)
        .values(customer_id=held.id)
    )
    old_uid, holder.uid = holder.uid, str(uuid.uuid4())
    session.add(CustomerAlias(uid=old_uid, customer_id=held.id))
    return held
