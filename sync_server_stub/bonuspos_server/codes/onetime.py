"""One-time codes for a card: six digits sent to its phone, good once, for a few minutes.

A code is asked for one purpose ("spend" at a till, "web" for the customer's own page) and
proves that whoever gives it holds the card's phone. The server keeps only an HMAC of the
card, the purpose and the code under a server secret, so its database tells nobody a
live code; a check compares HMACs with `hmac.compare_digest`. A new code replaces the
card's earlier one for the same purpose. Sending is limited per card and per requester
(a till, or a client address for the web page) in the shared `rate_counters`; after
`Settings.code_tries` wrong codes the card's codes are refused for `Settings.code_lock`.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from datetime import datetime

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from bonuspos_server.codes.sms import SmsGateway
from bonuspos_server.data.models import CodeLock, Customer, OneTimeCode
from bonuspos_server.settings import Limit, Settings
from bonuspos_server.web.problems import Problem

SPEND = "spend"
WEB = "web"
PURPOSES = (SPEND, WEB)
# The refusals of `check` that change what is stored (a wrong try counted, a lock): the
# caller commits on these rather than rolling back.
REFUSALS = frozenset({"code-wrong", "codes-locked", "code-expired"})

_TEXTS = {
    SPEND: "Код для списания баллов: {code}. Никому не сообщайте его, кроме кассира.",
    WEB: "Код для входа в личный кабинет: {code}. Никому не сообщайте его.",
}


class Codes:
    """Issues and checks one-time codes under these settings, sending through `sms`."""

    def __init__(self, settings: Settings, sms: SmsGateway) -> None:
        self.settings = settings
        self.sms = sms

    def issue(
        self, session: Session, card: Customer, purpose: str, requester: str, now: datetime
    ) -> None:
        """Sends the card's phone a new code; 429 `too-many-codes` past a limit, 429
        `codes-locked` while the card is locked. `requester` names who asked: `till:7`,
        `ip:203.0.113.5`. Commits nothing: the caller's transaction does, after the send."""
        _require(purpose)
        self._not_locked(session, card.id, now)
        self._count(session, f"code-card:{card.id}", self.settings.code_card, now)
        self._count(session, f"code-from:{requester}", self.settings.code_requester, now)
        code = f"{secrets.randbelow(10**6):06d}"
        session.execute(
            update(OneTimeCode)
            .where(
                OneTimeCode.customer_id == card.id,
                OneTimeCode.purpose == purpose,
                OneTimeCode.used_at.is_(None),
            )
            .values(used_at=now)
        )
        session.add(
            OneTimeCode(
                customer_id=card.id,
                purpose=purpose,
                digest=self._digest(card.id, purpose, code),
                issued_at=now,
                expires_at=now + self.settings.code_ttl,
            )
        )
        session.flush()
        self.sms.send(card.phone, _TEXTS[purpose].format(code=code))

    def check(
        self,
        session: Session,
        card: Customer,
        purpose: str,
        code: str,
        requester: str,
        now: datetime,
    ) -> None:
        """Uses up the card's live code if `code` is it; raises `codes-locked`,
        `code-expired` (none live: never sent, used, replaced or too old) or `code-wrong`.
        The caller commits whatever happens, so that a wrong try is counted."""
        _require(purpose)
        lock = self._not_locked(session, card.id, now)
        live = session.scalars(
            select(OneTimeCode)
            .where(
                OneTimeCode.customer_id == card.id,
                OneTimeCode.purpose == purpose,
                OneTimeCode.used_at.is_(None),
            )
            .order_by(OneTimeCode.id.desc())
            .limit(1)
            .with_for_update()
        ).first()
        if live is None or live.expires_at <= now:
            raise Problem(
                403,
                "code-expired",
                "No live code",
                "Ask for a new code: the last one is used or old",
            )
        given = self._digest(card.id, purpose, code.strip())
        if hmac.compare_digest(given.encode(), live.digest.encode()):
            live.used_at = now
            lock.wrong = 0
            return
        lock.wrong += 1
        if lock.wrong >= self.settings.code_tries:
            lock.wrong = 0
            lock.locked_until = now + self.settings.code_lock
            live.used_at = now  # a locked card's code is gone, not waiting for the lock to end
            raise self._locked(lock.locked_until, now)
        raise Problem(
            403,
            "code-wrong",
            "Wrong code",
            "The code does not match the one sent to the card's phone",
            tries_left=self.settings.code_tries - lock.wrong,
        )

    def _digest(self, card_id: int, purpose: str, code: str) -> str:
        message = f"{card_id}:{purpose}:{code}".encode()
        return hmac.new(self.settings.code_secret, message, hashlib.sha256).hexdigest()

    def _not_locked(self, session: Session, card_id: int, now: datetime) -> CodeLock:
        lock = session.get(CodeLock, card_id, with_for_update=True)
        if lock is None:
            lock = CodeLock(customer_id=card_id, wrong=0, locked_until=None)
            session.add(lock)
        elif lock.locked_until is not None and lock.locked_until > now:
            raise self._locked(lock.locked_until, now)
        return lock

    @staticmethod
    def _locked(until: datetime, now: datetime) -> Problem:
        wait = max(1, math.ceil((until - now).total_seconds()))
        return Problem(
            429,
            "codes-locked",
            "Codes locked",
            f"Too many wrong codes for this card; retry in {wait} s",
            headers={"Retry-After": str(wait)},
            retry_after=wait,
        )

    @staticmethod
    def _count(session: Session, key: str, limit: Limit, now: datetime) -> None:
        end = (math.floor(now.timestamp()) // limit.seconds + 1) * limit.seconds
        count = session.execute(_COUNT, {"end": end, "key": key[:64]}).scalar_one()
        if count > limit.count:
            wait = max(1, math.ceil(end - now.timestamp()))
            raise Problem(
                429,
                "too-many-codes",
                "Too many codes",
                f"At most {limit.count} codes in {limit.seconds} s; retry in {wait} s",
                headers={"Retry-After": str(wait)},
                retry_after=wait,
            )


# The rate limits' counter table (web/limits.py), one upsert per limit.
_COUNT = text(
    "INSERT INTO rate_counters (window_end, key, count) VALUES (:end, :key, 1)"
    " ON CONFLICT (window_end, key) DO UPDATE SET count = rate_counters.count + 1"
    " RETURNING count"
)


def _require(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise ValueError(f"no such code purpose: {purpose!r}")
