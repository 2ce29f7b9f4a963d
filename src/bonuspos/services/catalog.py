"""The till's catalog: finding goods by barcode or SKU, and loading a price list."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from bonuspos.domain.cart import Line
from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.money import Money, Points
from bonuspos.ledger.db import Database
from bonuspos.ledger.repositories import PRICE_LIST_SETTING, ProductRow
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
                raise NotFound(
                    f"Товар «{code}» не найден в каталоге", "product-not-found", {"code": code}
                )
            return _view(product)

    def search(self, text: str, limit: int = 20) -> list[ProductView]:
        """Products whose name holds every typed word, in any case; for goods without a label."""
        words = text.casefold().replace("ё", "е").split()
        if not words:
            return []
        found: list[ProductView] = []
        with UnitOfWork(self._db.reading) as uow:
            for product in uow.catalog.everything():
                name = product.name.casefold().replace("ё", "е")
                if all(word in name for word in words):
                    found.append(_view(product))
                    if len(found) == limit:
                        break
        return found

    def load_csv(self, path: Path) -> int:
        """Load a price list (sku;barcode;name;price;points;promotional); all rows or none."""
        # utf-8-sig: Excel starts its CSV files with a byte-order mark.
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, delimiter=";")
            missing = set(PRICE_LIST_COLUMNS) - set(reader.fieldnames or ())
            if missing:
                raise InvalidInput(f"{path.name}: нет столбцов {', '.join(sorted(missing))}")
            rows = [(n, _product_row(path.name, n, row)) for n, row in enumerate(reader, 2)]
        with UnitOfWork(self._db.writing) as uow:
            uow.catalog.store(
                [
                    {
                        "sku": product.sku,
                        "name": product.name,
                        "price": product.price.minor,
                        "points": product.points.minor,
                        "promotional": product.promotional,
                    }
                    for _n, (product, _codes) in rows
                ],
                [
                    {"code": code, "sku": product.sku}
                    for _n, (product, codes) in rows
                    for code in codes
                ],
            )
            # These tags are no price list of the server's: it credits by the one in force.
            uow.settings.set(PRICE_LIST_SETTING, "")
            uow.commit()
        return len(rows)


PRICE_LIST_COLUMNS = ("sku", "barcode", "name", "price", "points", "promotional")


def _product_row(file: str, n: int, row: dict[str, str | None]) -> tuple[ProductView, list[str]]:
    """One checked row of a price list; a short row or an unclear flag is refused by line."""
    if None in row.values() or None in row:
        raise InvalidInput(f"{file}, строка {n}: не хватает или лишние столбцы")
    cells = {key: (value or "").strip() for key, value in row.items() if key}
    if not cells["sku"] or not cells["name"]:
        raise InvalidInput(f"{file}, строка {n}: нужны артикул и название")
    if cells["promotional"] not in ("0", "1"):
        raise InvalidInput(f"{file}, строка {n}: признак акции — 0 или 1")
    try:
        product = ProductView(
            cells["sku"],
            cells["name"],
            Money.parse(cells["price"]),
            Points.parse(cells["points"]),
            cells["promotional"] == "1",
        )
        product.line()  # the same checks a cart applies: bounds, points not above price
    except InvalidInput as exc:
        raise InvalidInput(f"{file}, строка {n}: {exc.message}") from exc
    return product, [code.strip() for code in cells["barcode"].split(",") if code.strip()]


def _view(product: ProductRow) -> ProductView:
    return ProductView(
        product.sku, product.name, Money(product.price), Points(product.points), product.promotional
    )
