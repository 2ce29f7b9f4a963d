"""The till's catalog: finding goods by barcode or SKU, and loading a price list."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from bonuspos.domain.cart import Line
from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.money import Money, Points
from bonuspos.ledger.db import Database
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.services.errors import NotFound


@dataclass(frozen=True, slots=True)
class ProductView:
    sku: str
    name: str
    price: Money
    points: Points
    promotional: bool

    def line(self, quantity: int = 1) -> Line:
        return Line(self.sku, self.name, self.price, quantity, self.points, self.promotional)


class CatalogService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def find(self, code: str) -> ProductView:
        """A product by scanned barcode or typed SKU."""
        code = code.strip()
        if not code:
            raise InvalidInput("Отсканируйте штрихкод или введите артикул")
        with UnitOfWork(self._db.reading) as uow:
            product = uow.catalog.by_code(code)
            if product is None:
                raise NotFound(f"Товар «{code}» не найден в каталоге")
            return ProductView(
                product.sku,
                product.name,
                Money(product.price),
                Points(product.points),
                product.promotional,
            )

    def load_csv(self, path: Path) -> int:
        """Load a price list (sku;barcode;name;price;points;promotional); all rows or none."""
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter=";"))
        with UnitOfWork(self._db.writing) as uow:
            for n, row in enumerate(rows, 2):
                try:
                    price = Money.parse(row["price"])
                    points = Points.parse(row["points"])
                except (KeyError, InvalidInput) as exc:
                    raise InvalidInput(f"{path.name}, строка {n}: {exc}") from exc
                if price.is_negative or points.is_negative:
                    raise InvalidInput(f"{path.name}, строка {n}: цена и баллы не могут быть < 0")
                uow.catalog.upsert(
                    row["sku"], row["name"], price.minor, points.minor, row["promotional"] == "1"
                )
                for code in filter(None, row.get("barcode", "").split(",")):
                    uow.catalog.add_barcode(code.strip(), row["sku"])
            uow.commit()
        return len(rows)
