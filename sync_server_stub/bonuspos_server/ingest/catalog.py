"""The catalog decides what a sale earns: price lists by version, a till's lines checked on them.

Every `import-catalog` makes a new price-list version and keeps the old ones. A till sells
from the version it last pulled and names it in the sale; the server credits the points
that version gives while it is in force or was superseded less than the policy's grace
before the sale (a till offline over a price change sells at yesterday's tags), and the
version in force at the sale's time otherwise. A line whose price, points or promotion
differ from the catalog's is credited at the catalog's figure and the sale is flagged;
an SKU the catalog never had earns nothing. The sale itself stands: money changed hands.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, func, insert, select, update

from bonuspos_server.data.models import PriceList, ProductPrice
from bonuspos_server.ingest import bulk


@dataclass(frozen=True, slots=True)
class Figures:
    """What one product's price tag says in one price-list version."""

    price: int
    points: int
    promotional: bool


@dataclass(frozen=True, slots=True)
class Version:
    number: int
    imported_at: datetime
    superseded_at: datetime | None


class PriceLists:
    """The price-list versions, and every version of the prices of some SKUs."""

    def __init__(
        self, versions: list[Version], prices: dict[str, list[tuple[int, Figures]]]
    ) -> None:
        self._versions = {v.number: v for v in versions}
        self._by_import = sorted(versions, key=lambda v: v.imported_at)
        self._prices = {sku: sorted(rows, key=lambda r: r[0]) for sku, rows in prices.items()}

    def honoured(self, named: int | None, at: datetime, grace: timedelta) -> list[int]:
        """The versions whose figures a sale made at `at` from version `named` may carry.

        The version in force at `at` first (the one to credit by when the till is wrong),
        then the till's own if it is another and was not superseded more than `grace`
        before the sale.
        """
        in_force = [v.number for v in self._by_import if v.imported_at <= at]
        honoured = [in_force[-1]] if in_force else []
        version = self._versions.get(named) if named is not None else None
        if (
            version is not None
            and version.number not in honoured
            and (version.superseded_at is None or at < version.superseded_at + grace)
        ):
            honoured.append(version.number)
        if not honoured and self._by_import:
            # A sale dated before the first price list: the first one is all there is.
            honoured.append(self._by_import[0].number)
        return honoured

    def figures(self, sku: str, version: int) -> Figures | None:
        """The SKU's figures in `version`: from the newest import up to it that listed it."""
        rows = self._prices.get(sku)
        if not rows:
            return None
        at = bisect.bisect_right([number for number, _ in rows], version)
        return rows[at - 1][1] if at else None


def load(connection: Connection, skus: set[str]) -> PriceLists:
    versions = [Version(*row) for row in connection.execute(_VERSIONS)]
    prices: dict[str, list[tuple[int, Figures]]] = defaultdict(list)
    if skus:
        for sku, version, price, points, promotional in connection.execute(
            _PRICES, {"skus": sorted(skus)}
        ):
            prices[sku].append((version, Figures(price, points, promotional)))
    return PriceLists(versions, prices)


_VERSIONS = select(PriceList.version, PriceList.imported_at, PriceList.superseded_at)
_PRICES = select(
    ProductPrice.sku,
    ProductPrice.version,
    ProductPrice.price,
    ProductPrice.points,
    ProductPrice.promotional,
).where(ProductPrice.sku.in_(bindparam("skus", expanding=True)))


def current_version(connection: Connection) -> int:
    """The newest price list's version; 0 when no catalog was ever imported."""
    newest = connection.execute(select(func.max(PriceList.version))).scalar()
    return int(newest or 0)


def publish(connection: Connection, items: list[dict[str, object]], at: datetime) -> int:
    """A new price-list version holding `items` (the products an import named); its number.

    Products the import did not name keep the figures of the version that last listed
    them. The version before is superseded now: sales from it count for the grace time.
    """
    version = current_version(connection) + 1
    connection.execute(
        update(PriceList).where(PriceList.superseded_at.is_(None)).values(superseded_at=at)
    )
    connection.execute(
        insert(bulk.table_of(PriceList)).values(version=version, imported_at=at, superseded_at=None)
    )
    rows = [
        {
            "sku": item["sku"],
            "version": version,
            "price": item["price"],
            "points": item["points"],
            "promotional": item["promotional"],
        }
        for item in items
    ]
    if rows:
        connection.execute(insert(bulk.table_of(ProductPrice)), rows)
    return version
