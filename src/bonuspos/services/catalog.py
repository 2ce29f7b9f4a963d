"""The till's catalog: finding goods by barcode or SKU, loading a price list, price tags."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from bonuspos.domain.cart import Line
from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.money import Money, Points
from bonuspos.ledger.db import Database
from bonuspos.ledger.repositories import PRICE_LIST_SETTING, ProductRow
from bonuspos.ledger.unit_of_work import UnitOfWork
from bonuspos.price_tags import PriceTag, render
from bonuspos.services.errors import NotFound


@dataclass(frozen=True, slots=True)
class ProductView:
    sku: str
    name: str
    price: Money
    points: Points  # what one unit earns, as the price tag says
    promotional: bool  # a promo line: earns nothing and is not payable by points
    barcodes: tuple[str, ...] = ()  # filled in for the product card and price tags only

    def line(self, quantity: int = 1) -> Line:
        return Line(self.sku, self.name, self.price, quantity, self.points, self.promotional)

    @property
    def earns(self) -> bool:
        """Whether a unit bought with a card earns points (by cash or bank card)."""
        return not self.promotional and bool(self.points)

    @property
    def tag(self) -> PriceTag:
        return PriceTag.of(
            self.sku, self.name, self.price, self.points, self.promotional, self.barcodes
        )


class CatalogService:
    def __init__(self, db: Database, print_folder: Path | None = None) -> None:
        self._db = db
        self._print_folder = print_folder  # where a price tag printed at the till goes

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

    def card(self, code: str) -> ProductView:
        """A product with its barcodes, for the product card: as `find` finds it."""
        found = self.find(code)
        with UnitOfWork(self._db.reading) as uow:
            codes = uow.catalog.barcodes([found.sku]).get(found.sku, [])
        return replace(found, barcodes=tuple(codes))

    def price_tags(self, skus: Sequence[str] = ()) -> list[PriceTag]:
        """Tags of these SKUs in the order given, or of the whole catalog by name."""
        with UnitOfWork(self._db.reading) as uow:
            if skus:
                products = []
                for sku in skus:
                    product = uow.catalog.by_code(sku.strip())
                    if product is None:
                        raise NotFound(f"Товар «{sku}» не найден в каталоге")
                    products.append(product)
                codes = uow.catalog.barcodes([p.sku for p in products])
            else:
                products = uow.catalog.everything()
                codes = uow.catalog.barcodes()
        if not products:
            raise InvalidInput("Каталог пуст: загрузите прайс-лист")
        return [replace(_view(p), barcodes=tuple(codes.get(p.sku, ()))).tag for p in products]

    def print_tags(self, skus: Sequence[str]) -> Path:
        """These products' tags as a PDF in the till's print folder; its path."""
        if self._print_folder is None:
            raise InvalidInput("Папка для печати ценников не задана")
        pdf = render(self.price_tags(skus))
        moment = datetime.now().astimezone()
        name = f"price-tags-{moment:%Y%m%d-%H%M%S-%f}.pdf"
        try:
            self._print_folder.mkdir(parents=True, exist_ok=True)
            path = self._print_folder / name
            path.write_bytes(pdf)
        except OSError as exc:
            raise InvalidInput(f"Ценник не сохранён: {exc.strerror}") from exc
        return path

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
