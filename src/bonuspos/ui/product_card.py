"""The product card (F3): what a product costs, the points a unit earns, and why.

Customers ask "how many points will I get?": the card answers from the catalog's price
tag, and for a promo line says that it earns none and cannot be paid with points. A scan
or a typed code shows another product (a price check leaves the cart alone); F9 prints
the product's shelf label into the till's print folder; Esc closes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout, QWidget

from bonuspos.domain.cart import Line
from bonuspos.domain.errors import DomainError
from bonuspos.services.catalog import CatalogService, ProductView
from bonuspos.ui.texts import refusal, tr
from bonuspos.ui.widgets import label, restyle


def product_row(product: ProductView) -> str:
    """A product in a list of found goods: name, price, and its points or the promo mark."""
    if product.promotional:
        return tr("{0} — {1} · АКЦИЯ, без баллов").format(product.name, product.price)
    if not product.points:
        return tr("{0} — {1} · без баллов").format(product.name, product.price)
    return tr("{0} — {1} · +{2}").format(product.name, product.price, product.points)


def chosen_code(typed: str, selected: Line | None) -> str:
    """What F3 shows: the code being typed, else the cart's chosen (or last scanned) line."""
    if typed.strip():
        return typed.strip()
    return selected.sku if selected is not None else ""


class ProductCard(QDialog):
    def __init__(self, catalog: CatalogService, parent: QWidget) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self.product: ProductView | None = None
        self.setWindowTitle(tr("Карточка товара"))
        self.setModal(True)
        self.code = QLineEdit()
        self.code.setPlaceholderText(tr("Штрихкод или артикул товара"))
        self.name = label(name="title", wrap=True)
        self.price = label(name="big")
        self.points = label(name="big")
        self.why = label(wrap=True)
        self.barcodes = label(name="hint", wrap=True)
        self.message = label(name="error", wrap=True)
        keys = tr("Enter — показать товар · F9 — напечатать ценник · Esc — закрыть")
        layout = QVBoxLayout(self)
        layout.addWidget(self.code)
        layout.addWidget(self.name)
        layout.addWidget(self.price)
        layout.addWidget(self.points)
        layout.addWidget(self.why)
        layout.addWidget(self.barcodes)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(label(keys, name="hint", wrap=True))
        self.setMinimumWidth(640)

    def show_product(self, code: str) -> None:
        """Show the product `code` finds; a code that finds none is said, the card kept."""
        self.code.clear()
        restyle(self.message, "error")
        try:
            product = self._catalog.card(code)
        except DomainError as refused:
            self.message.setText(refusal(refused))
            return
        self.product = product
        self.message.setText("")
        self.name.setText(product.name)
        self.price.setText(str(product.price))
        if product.promotional:
            self.points.setText(tr("АКЦИЯ: без баллов"))
            self.why.setText(
                tr("Товар по акции: баллы за него не начисляются, оплатить его баллами нельзя.")
            )
        elif not product.points:
            self.points.setText(tr("Без баллов"))
            self.why.setText(tr("По ценнику за этот товар баллы не начисляются."))
        else:
            self.points.setText(tr("+{0} за 1 шт.").format(product.points))
            self.why.setText(
                tr(
                    "Баллы по ценнику, с картой покупателя; при оплате в кредит или рассрочку"
                    " баллы не начисляются. Начисленные сегодня можно списать со следующего дня."
                )
            )
        tag = product.tag
        codes = ", ".join(product.barcodes) or tr("нет")
        self.barcodes.setText(
            tr("Артикул {0} · штрихкоды: {1}").format(product.sku, codes)
            if tag.ean is not None
            else tr("Артикул {0} · штрихкоды: {1} (нет EAN-13: ценник без штрихкода)").format(
                product.sku, codes
            )
        )

    def print_tag(self) -> None:
        if self.product is None:
            self.message.setText(tr("Сначала отсканируйте товар"))
            return
        try:
            path = self._catalog.print_tags([self.product.sku])
        except DomainError as refused:
            restyle(self.message, "error")
            self.message.setText(refusal(refused))
            return
        restyle(self.message, "ok")
        self.message.setText(tr("Ценник сохранён: {0}").format(path))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # the field passes its Enter on
            self.show_product(self.code.text())
        elif key == Qt.Key.Key_F9:
            self.print_tag()
        else:
            super().keyPressEvent(event)  # Esc: QDialog rejects


def show_product_card(parent: QWidget, catalog: CatalogService, code: str = "") -> ProductCard:
    """Open the card over `parent`, with the product `code` finds if one is given."""
    card = ProductCard(catalog, parent)
    # Keys go back to the till's window: not every window manager hands it the focus back.
    card.finished.connect(lambda _: parent.window().activateWindow())
    card.finished.connect(card.deleteLater)
    if code:
        card.show_product(code)
    card.open()
    card.code.setFocus()
    return card
