"""What the customer is buying: lines with price, quantity and the price tag's points."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.money import Money, Points, total

# Far beyond any real cart, and well inside SQLite's 64-bit integers: a barcode scanned
# into the quantity field is refused here, not by an overflow in the database.
MAX_QUANTITY = 9_999
MAX_UNIT_PRICE = Money(99_999_999_99)


@dataclass(frozen=True, slots=True)
class Line:
    """One product line. `points_per_unit` is what the price tag says it earns."""

    sku: str
    name: str
    unit_price: Money
    quantity: int
    points_per_unit: Points
    promotional: bool = False
    discount: Money = Money(0)

    def __post_init__(self) -> None:
        if type(self.quantity) is not int or not 0 < self.quantity <= MAX_QUANTITY:
            raise InvalidInput(
                f"Количество должно быть целым, от 1 до {MAX_QUANTITY}: {self.quantity!r}",
                "quantity-out-of-range",
                {"quantity": self.quantity, "most": MAX_QUANTITY},
            )
        named = {"name": self.name}
        if self.unit_price.is_negative:
            raise InvalidInput(
                f"Цена не может быть отрицательной: {self.unit_price}",
                "price-negative",
                {**named, "price": self.unit_price},
            )
        if self.unit_price > MAX_UNIT_PRICE:
            raise InvalidInput(
                f"Цена больше {MAX_UNIT_PRICE}: {self.name}",
                "price-too-high",
                {**named, "most": MAX_UNIT_PRICE},
            )
        if self.points_per_unit.is_negative:
            raise InvalidInput(
                f"Баллы на ценнике не могут быть отрицательными: {self.name}",
                "tag-points-negative",
                named,
            )
        if self.points_per_unit.minor > self.unit_price.minor:
            # 1 point pays 1 ruble: a tag worth more than its price (or a free gift that
            # earns) is a data error, not a promotion.
            raise InvalidInput(
                f"Баллов на ценнике больше, чем цена товара: {self.name}",
                "tag-points-over-price",
                named,
            )
        if self.discount.is_negative:
            raise InvalidInput(
                f"Скидка не может быть отрицательной: {self.name}", "discount-negative", named
            )
        if self.discount > self.gross:
            raise InvalidInput(
                f"Скидка больше стоимости строки: {self.name}", "discount-over-line", named
            )

    @property
    def gross(self) -> Money:
        return self.unit_price * self.quantity

    @property
    def amount(self) -> Money:
        """What the line costs after its discount."""
        return self.gross - self.discount

    @property
    def is_promotional(self) -> bool:
        # A line with any discount counts as promotional (DESIGN: decided here).
        return self.promotional or bool(self.discount)


@dataclass(frozen=True, slots=True)
class Cart:
    lines: tuple[Line, ...] = ()

    def __post_init__(self) -> None:
        if len({line.sku for line in self.lines}) != len(self.lines):
            raise InvalidInput(
                "Один товар в чеке дважды: увеличьте количество в его строке", "line-twice"
            )

    @property
    def total(self) -> Money:
        return total([line.amount for line in self.lines])

    def add(self, line: Line) -> Cart:
        for i, existing in enumerate(self.lines):
            if existing.sku == line.sku:
                merged = Line(
                    existing.sku,
                    existing.name,
                    existing.unit_price,
                    existing.quantity + line.quantity,
                    existing.points_per_unit,
                    existing.promotional,
                    existing.discount + line.discount,
                )
                return Cart((*self.lines[:i], merged, *self.lines[i + 1 :]))
        return Cart((*self.lines, line))

    def without(self, sku: str) -> Cart:
        return Cart(tuple(line for line in self.lines if line.sku != sku))

    def with_quantity(self, sku: str, quantity: int) -> Cart:
        """The cart with one line's quantity changed; the line's bounds are checked again."""
        return Cart(
            tuple(
                replace(line, quantity=quantity) if line.sku == sku else line for line in self.lines
            )
        )


class TenderKind(StrEnum):
    CASH = "cash"
    BANK_CARD = "bank_card"
    INSTALLMENT_CARD = "installment_card"
    CREDIT = "credit"  # bank installments or a consumer loan

    @property
    def blocks_points(self) -> bool:
        """Rule 8: credit and installment purchases neither earn nor spend."""
        return self in (TenderKind.INSTALLMENT_CARD, TenderKind.CREDIT)


@dataclass(frozen=True, slots=True)
class Tender:
    kind: TenderKind
    amount: Money

    def __post_init__(self) -> None:
        if self.amount.minor <= 0:
            raise InvalidInput(
                f"Сумма оплаты должна быть больше нуля: {self.amount}",
                "tender-not-positive",
                {"amount": self.amount},
            )


class Channel(StrEnum):
    """Where the sale was made (rule 9): all earn and spend alike when paid in the store."""

    IN_STORE = "in_store"
    WEB_PICKUP = "web_pickup"  # a web-shop order paid at pickup; order number required
    PHONE = "phone"  # a phone order rung up with the customer's name and card number

    @property
    def needs_order_ref(self) -> bool:
        return self is Channel.WEB_PICKUP
