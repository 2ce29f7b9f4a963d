"""Spending points online: a hold on the server first, or the offline rule when it is away.

The hold is asked before the sale's write transaction (a network wait must never hold
the till's database lock) with a short timeout, and its id is derived from the sale id,
so a completion retried after a crash asks for the same hold and the server answers
with the one it already made.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.money import Points
from bonuspos.sync.errors import ServerRefused, ServerUnavailable

if TYPE_CHECKING:  # the HTTP client is loaded when the first hold is asked, not at start-up
    from bonuspos.sync.client import ServerClient

log = logging.getLogger(__name__)
HOLDS = uuid.UUID("6c0b8a3e-6d2f-4f4e-9a51-2f8d3b7c1e90")  # namespace for hold ids


class NotEnoughOnServer(InvalidInput):
    """The server, which sees every till, says the card cannot cover the spend."""


class CodeRefused(InvalidInput):
    """The server wants the customer's code for this spend, or did not take the one given:
    nothing is spent, and the cashier may ask again or send a new code."""


# What the cashier reads for each refusal of a spend code (PROTOCOL.md, problem types).
_CODE_TEXTS = {
    "verification-required": "Нужен код из SMS покупателя",
    "code-wrong": "Неверный код из SMS: баллы не списаны",
    "code-expired": "Код устарел или уже использован: отправьте новый",
    "codes-locked": "Слишком много неверных кодов: карта заблокирована для списания на {wait}",
    "too-many-codes": "Коды на эту карту отправлялись слишком часто: повторите через {wait}",
}


def code_refusal(exc: ServerRefused) -> CodeRefused | None:
    """The cashier's words for a refusal about the customer's code; None for any other."""
    kind = exc.problem.get("type")
    slug = kind.rsplit("/", 1)[-1] if isinstance(kind, str) else ""
    if slug not in _CODE_TEXTS:
        return None
    retry = exc.problem.get("retry_after")
    seconds = int(retry) if isinstance(retry, int) else 0
    wait = f"{max(1, -(-seconds // 60))} мин" if seconds else "некоторое время"
    return CodeRefused(_CODE_TEXTS[slug].format(wait=wait), slug, {"retry_after": seconds})


def hold_id_for(sale_id: str) -> str:
    return str(uuid.uuid5(HOLDS, sale_id))


class OnlineHolds:
    def __init__(self, client: Callable[[], ServerClient]) -> None:
        self._client = client

    def reserve(
        self, sale_id: str, phone: str, points: Points, code: str | None = None
    ) -> str | None:
        """The hold's id when the server granted it; None when it could not be asked.
        CodeRefused when the spend needs the customer's code and `code` is not it."""
        hold_id = hold_id_for(sale_id)
        try:
            with self._client() as client:
                answer = client.place_hold(hold_id, phone, points.minor, sale_id, code)
        except ServerUnavailable as exc:
            log.info("hold not asked (%s): the offline rule applies", exc.reason)
            return None
        except ServerRefused as exc:
            if exc.status == 409 and "available" in exc.problem:
                available = Points(int(exc.problem["available"]))
                raise NotEnoughOnServer(
                    f"По данным сервера на карте доступно {available}: спишите не больше",
                    "server-balance-smaller",
                    {"available": available},
                ) from exc
            if (refused := code_refusal(exc)) is not None:
                raise refused from exc
            log.warning("hold refused (%s): the offline rule applies", exc.reason)
            return None
        if answer.get("status") != "active":
            # Asked again after it lapsed (a completion retried long after a crash): it
            # reserves nothing, and the server would count the sale as offline anyway.
            log.info("hold %s is %s: the offline rule applies", hold_id, answer.get("status"))
            return None
        return hold_id

    def send_code(self, phone: str) -> None:
        """Asks the server to send the card's phone a spend code; CodeRefused when it will
        not (too many asked, codes locked), InvalidInput when it cannot be reached."""
        try:
            with self._client() as client:
                client.send_spend_code(phone)
        except ServerUnavailable as exc:
            raise InvalidInput(
                "Нет связи с сервером: код не отправлен", "code-not-sent", {"reason": exc.reason}
            ) from exc
        except ServerRefused as exc:
            raise code_refusal(exc) or InvalidInput(
                "Сервер не отправил код", "code-not-sent", {"reason": exc.reason}
            ) from exc

    def release(self, hold_id: str) -> None:
        """Best effort: a hold nobody captures lapses on its own after the policy's time."""
        try:
            with self._client() as client:
                client.release_hold(hold_id)
        except (ServerUnavailable, ServerRefused) as exc:
            log.info("hold %s not released (%s); it will lapse", hold_id, exc.reason)
