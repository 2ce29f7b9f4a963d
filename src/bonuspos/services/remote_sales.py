"""Another till's sale, fetched from the server for a return at this one.

Only the server knows a sale rung elsewhere and what every till has taken back of it, so
a return of one needs the network; offline it is refused with the reason, not guessed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from bonuspos.protocol import SaleAnswer
from bonuspos.services.errors import NotFound, Unreachable
from bonuspos.sync.errors import ServerRefused, ServerUnavailable

if TYPE_CHECKING:
    from bonuspos.sync.client import ServerClient

log = logging.getLogger(__name__)

OFFLINE = (
    "Чек другой кассы или магазина: нужна связь с сервером, а её нет. "
    "Оформите возврат на кассе, где была покупка, или когда связь появится"
)


class ServerSales:
    def __init__(self, client: Callable[[], ServerClient]) -> None:
        self._client = client

    def fetch(self, sale_id: str) -> SaleAnswer:
        try:
            with self._client() as client:
                return client.sale(sale_id)
        except ServerUnavailable as exc:
            log.info("sale not fetched (%s)", exc.reason)
            raise Unreachable(OFFLINE, "other-till-offline") from exc
        except ServerRefused as exc:
            if exc.status == 404:
                raise NotFound(
                    "Продажа с таким чеком не найдена ни на одной кассе", "sale-not-found-anywhere"
                ) from exc
            log.warning("sale fetch refused (%s)", exc.reason)
            raise Unreachable(
                f"Сервер не выдал чек: {exc.reason}",
                "server-refused-receipt",
                {"detail": exc.reason},
            ) from exc
