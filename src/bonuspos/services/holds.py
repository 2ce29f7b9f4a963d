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


def hold_id_for(sale_id: str) -> str:
    return str(uuid.uuid5(HOLDS, sale_id))


class OnlineHolds:
    def __init__(self, client: Callable[[], ServerClient]) -> None:
        self._client = client

    def reserve(self, sale_id: str, phone: str, points: Points) -> str | None:
        """The hold's id when the server granted it; None when it could not be asked."""
        hold_id = hold_id_for(sale_id)
        try:
            with self._client() as client:
                answer = client.place_hold(hold_id, phone, points.minor, sale_id)
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
            log.warning("hold refused (%s): the offline rule applies", exc.reason)
            return None
        if answer.get("status") != "active":
            # Asked again after it lapsed (a completion retried long after a crash): it
            # reserves nothing, and the server would count the sale as offline anyway.
            log.info("hold %s is %s: the offline rule applies", hold_id, answer.get("status"))
            return None
        return hold_id

    def release(self, hold_id: str) -> None:
        """Best effort: a hold nobody captures lapses on its own after the policy's time."""
        try:
            with self._client() as client:
                client.release_hold(hold_id)
        except (ServerUnavailable, ServerRefused) as exc:
            log.info("hold %s not released (%s); it will lapse", hold_id, exc.reason)
