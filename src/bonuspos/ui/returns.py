"""A return: find the sale by its receipt's barcode, its number or the card; choose what comes
back; see the money and points it moves before anything is written; a manager approves.

Every figure comes from `Returns.preview`, asked again on each change of a quantity; the
screen only keeps the quantities the cashier chose. Finding a sale and writing the return
run off the GUI thread: another till's sale comes from the server, and a busy database
must not freeze the till.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bonuspos.domain.errors import DomainError
from bonuspos.domain.staff import Action, return_details
from bonuspos.services.returns import Returns, new_return_id
from bonuspos.services.slip import format_return_slip
from bonuspos.services.staff import StaffService
from bonuspos.services.views import (
    Approval,
    CardView,
    ReturnableLine,
    ReturnPreview,
    ReturnPreviewLine,
    ReturnReceipt,
    SaleForReturn,
    Shift,
)
from bonuspos.ui.approval import ask_approval
from bonuspos.ui.printing import PrintFailed, SlipPrinter
from bonuspos.ui.tasks import run_in_background
from bonuspos.ui.texts import moment, refusal, tender_name, tr
from bonuspos.ui.widgets import label, offer_choices, restyle

COLUMNS = ("Товар", "Продано", "Возвр.", "Вернуть", "Деньги", "−Баллы", "+Баллы")
TIPS = (
    "Товар",
    "Продано в чеке",
    "Уже возвращено раньше",
    "Возвращается сейчас",
    "Деньги покупателю",
    "Баллы, которые списываются с карты",
    "Баллы, которые возвращаются на карту",
)
_NUMBERS = (1, 2, 3, 4, 5, 6)
# A, "all": Qt's code of the Latin letter, or of Ф, the same key under the Russian layout.
ALL_KEYS = frozenset({int(Qt.Key.Key_A), 0x0424})


def is_all_key(key: int, text: str) -> bool:
    return key in ALL_KEYS or (len(text) == 1 and ord(text.upper()) in ALL_KEYS)


class ReturnLines(QTableWidget):
    """The sale's lines with what each return would move; keys go to the screen, not here."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        tips = [tr(tip) for tip in TIPS]
        for column in range(len(COLUMNS)):
            header_item = self.horizontalHeaderItem(column)
            if header_item is not None:
                header_item.setToolTip(tips[column])
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().hide()
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def show_sale(
        self, sale: SaleForReturn, quantities: dict[int, int], preview: ReturnPreview | None
    ) -> None:
        row_now = max(0, self.currentRow())
        by_line: dict[int, ReturnPreviewLine] = (
            {line.line_no: line for line in preview.lines} if preview else {}
        )
        self.setRowCount(len(sale.lines))
        for row, line in enumerate(sale.lines):
            back = by_line.get(line.line_no)
            cells = (
                line.name,
                str(line.quantity),
                str(line.returned),
                tr("{0} из {1}").format(quantities.get(line.line_no, 0), line.returnable),
                back.money_back.number() if back else "",
                back.taken_back.number() if back and back.taken_back else "",
                back.given_back.number() if back and back.given_back else "",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in _NUMBERS:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.setItem(row, column, item)
        self.selectRow(min(row_now, len(sale.lines) - 1))


class ReturnsScreen(QWidget):
    closed = Signal()  # back to where the return was asked for
    returned = Signal(object)  # ReturnReceipt: a return was written

    def __init__(
        self,
        returns: Returns,
        staff: StaffService,
        printer: SlipPrinter,
        shift: Callable[[], Shift | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._returns = returns
        self._staff = staff
        self._printer = printer
        self._shift = shift
        self.card: CardView | None = None
        self.sale: SaleForReturn | None = None
        self.quantities: dict[int, int] = {}
        self.preview: ReturnPreview | None = None
        self.outcome: ReturnReceipt | None = None
        self.return_id = new_return_id()
        self.busy = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.code = QLineEdit()
        self.code.setPlaceholderText(tr("Отсканируйте штрихкод чека или введите номер чека"))
        self.code.setAccessibleName(tr("Чек для возврата"))
        self.recent_title = label(wrap=True)
        self.recent = QListWidget()
        self.recent.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.recent.itemDoubleClicked.connect(lambda item: self._open_recent())
        self.heading = label(name="big", wrap=True)
        self.lines = ReturnLines()
        self.money = label(name="big", wrap=True)
        self.tenders = label(wrap=True)
        self.points = label(wrap=True)
        self.reasons = label(name="hint", wrap=True)
        self.message = label(name="error", wrap=True)
        self.printed = label(wrap=True)
        self.slip = QPlainTextEdit()
        self.slip.setReadOnly(True)
        self.slip.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.slip.setFont(mono)
        self.keys = label(name="hint", wrap=True)

        layout = QVBoxLayout(self)
        layout.addWidget(label(tr("Возврат"), name="title"))
        layout.addWidget(self.code)
        layout.addWidget(self.recent_title)
        layout.addWidget(self.recent, 1)
        layout.addWidget(self.heading)
        layout.addWidget(self.lines, 3)
        layout.addWidget(self.money)
        layout.addWidget(self.tenders)
        layout.addWidget(self.points)
        layout.addWidget(self.reasons)
        layout.addWidget(self.printed)
        layout.addWidget(self.slip, 3)
        layout.addWidget(self.message)
        layout.addWidget(self.keys)

    # --- finding the sale --------------------------------------------------------------------

    def start(self, card: CardView | None) -> None:
        """A new return; with a card, its recent purchases to pick from."""
        self.card = card
        self.busy = False
        self.code.clear()
        self.code.show()
        self.message.setText("")
        self._clear_sale()
        recent: tuple[SaleForReturn, ...] = ()
        if card is not None:
            try:
                recent = self._returns.recent_for_card(card.customer_uid)
            except DomainError as refused:
                self.message.setText(refusal(refused))
        if recent and card is not None:
            self.recent_title.setText(
                tr("Покупки по карте {0}: ↑↓ и Enter — выбрать").format(card.full_name)
            )
            offer_choices(self.recent, ((self._sale_line(sale), sale) for sale in recent))
            self.recent_title.show()
        else:
            self.recent.hide()
            self.recent_title.hide()
        self.keys.setText(tr("Enter — найти чек · Esc — назад"))
        self.code.setFocus()

    def _sale_line(self, sale: SaleForReturn) -> str:
        # The first line's name only: every name in a row is wider than a 1024-pixel screen.
        first = sale.lines[0].name if sale.lines else ""
        if len(sale.lines) > 1:
            first = tr("{0} и ещё строк: {1}").format(first, len(sale.lines) - 1)
        return tr("Чек №{0} · {1} · {2}").format(sale.number, moment(sale.occurred_at), first)

    def look_for(self, text: str) -> None:
        """A scanned receipt code or a typed receipt number: the field's and the scanner's slot."""
        text = text.strip()
        if self.busy or not text:
            return
        self.busy = True
        self.message.setText(tr("Ищем чек…"))
        run_in_background(lambda: self._returns.find(text), self._found, self._not_found)

    def _found(self, sale: SaleForReturn) -> None:
        self.busy = False
        self.code.clear()
        self.show_sale(sale)

    def _not_found(self, exc: Exception) -> None:
        self.busy = False
        self._clear_sale()
        self.message.setText(refusal(exc) if isinstance(exc, DomainError) else str(exc))
        self.code.selectAll()
        self.code.setFocus()

    def _open_recent(self) -> None:
        item = self.recent.currentItem()
        if item is not None and not self.busy:
            self.show_sale(item.data(Qt.ItemDataRole.UserRole))

    def show_sale(self, sale: SaleForReturn) -> None:
        self.sale = sale
        self.quantities = {}
        self.outcome = None
        self.return_id = new_return_id()  # now: a retried return finds the first one written
        self.recent.hide()
        self.recent_title.hide()
        # A scan needs no field (the scanner hands its code over), and the lines need the room.
        self.code.hide()
        self.slip.hide()
        self.printed.hide()
        where = (
            tr("эта касса")
            if sale.local
            else tr("магазин {0}, касса {1}").format(sale.store, sale.till)
        )
        holder = sale.card.full_name if sale.card else tr("без карты")
        self.heading.setText(
            tr("Чек №{0} от {1} · {2} · {3}").format(
                sale.number, moment(sale.occurred_at), where, holder
            )
        )
        self.heading.show()
        self.lines.show()
        self.lines.setRowCount(0)
        self.keys.setText(
            tr(
                "↑↓ — строка · + и − — штуки · цифра — сколько вернуть · Пробел — вся строка ·"
                " A — весь чек · Enter — оформить возврат · Esc — другой чек"
            )
        )
        self._render()
        if not any(line.returnable for line in sale.lines):
            self.message.setText(tr("По этому чеку всё уже возвращено"))
        self.setFocus()

    # --- choosing what comes back --------------------------------------------------------------

    def set_quantity(self, quantity: int) -> None:
        """The selected line's units to return; more than can be returned is refused."""
        line = self._selected()
        if line is None or self.busy:
            return
        if not 0 <= quantity <= line.returnable:
            self.message.setText(
                tr("«{0}»: вернуть можно не больше {1}").format(line.name, line.returnable)
            )
            return
        if quantity:
            self.quantities[line.line_no] = quantity
        else:
            self.quantities.pop(line.line_no, None)
        self._render()

    def change_quantity(self, step: int) -> None:
        line = self._selected()
        if line is not None:
            self.set_quantity(self.quantities.get(line.line_no, 0) + step)

    def toggle_line(self) -> None:
        line = self._selected()
        if line is not None:
            self.set_quantity(0 if self.quantities.get(line.line_no) else line.returnable)

    def everything(self) -> None:
        if self.sale is None or self.busy:
            return
        self.quantities = {
            line.line_no: line.returnable for line in self.sale.lines if line.returnable
        }
        self._render()

    def _render(self) -> None:
        """Ask for the preview of the quantities chosen and show it; nothing is written."""
        if self.sale is None:
            return
        self.message.setText("")
        self.preview = None
        if self.quantities:
            try:
                self.preview = self._returns.preview(self.sale, dict(self.quantities))
            except DomainError as refused:
                self.message.setText(refusal(refused))
        self.lines.show_sale(self.sale, self.quantities, self.preview)
        preview = self.preview
        if preview is None:
            self.money.setText(tr("Выберите, что возвращается"))
            for shown in (self.tenders, self.points, self.reasons):
                shown.setText("")
            return
        self.money.setText(tr("Вернуть покупателю {0}").format(preview.money_back))
        self.tenders.setText(
            " · ".join(
                tr("{0}: {1}").format(tender_name(kind), amount)
                for kind, amount in preview.by_tender
            )
        )
        self.points.setText(
            tr("Баллы: списать с карты {0}, вернуть на карту {1}").format(
                preview.taken_back, preview.given_back
            )
            if preview.sale.card is not None
            else tr("Без карты: баллы не меняются")
        )
        self._show_reasons()

    def _show_reasons(self) -> None:
        """Why, for the selected line (the table has every line's figures), then the sale's."""
        preview, line = self.preview, self._selected()
        if preview is None or line is None:
            return
        why = [
            tr("{0}: {1}").format(shown.name, "; ".join(shown.reasons))
            for shown in preview.lines
            if shown.line_no == line.line_no and shown.reasons
        ]
        self.reasons.setText("\n".join([*why, *preview.reasons]))

    def _selected(self) -> ReturnableLine | None:
        if self.sale is None or not self.sale.lines:
            return None
        row = self.lines.currentRow()
        return self.sale.lines[row if 0 <= row < len(self.sale.lines) else 0]

    def _move(self, step: int) -> None:
        if self.sale is not None and self.sale.lines:
            row = max(0, min(len(self.sale.lines) - 1, self.lines.currentRow() + step))
            self.lines.selectRow(row)
            self._show_reasons()

    # --- writing the return -------------------------------------------------------------

    def proceed(self) -> None:
        """Enter: a manager's approval if the policy wants one, then the return is written."""
        shift = self._shift()
        sale = self.sale
        if self.busy or sale is None or shift is None or self.outcome is not None:
            return
        if self.preview is None:
            self.message.setText(tr("Выберите, что возвращается"))
            return
        if not self._staff.needs_approval(Action.RETURN):
            self._write(None)
            return
        return_id = self.return_id
        ask_approval(
            self,
            tr("Возврат по чеку №{0}: вернуть покупателю {1}").format(
                sale.number, self.preview.money_back
            ),
            self._staff.roster(),
            lambda staff_id, pin: self._staff.approve(
                shift, staff_id, pin, Action.RETURN, return_id, return_details(sale.sale_id)
            ),
            self._write,
        )

    def _write(self, approval: Approval | None) -> None:
        sale, shift = self.sale, self._shift()
        if sale is None or self.busy:
            return
        self.busy = True
        self.message.setText(tr("Оформляем возврат…"))
        return_id, quantities = self.return_id, dict(self.quantities)
        run_in_background(
            lambda: self._returns.return_lines(
                return_id, sale.sale_id, quantities, shift=shift, approval=approval
            ),
            self._written,
            self._refused,
        )

    def _written(self, outcome: ReturnReceipt) -> None:
        self.busy = False
        self.outcome = outcome
        self.message.setText("")
        self.money.setText(
            tr("Возврат оформлен: вернуть покупателю {0}").format(outcome.money_back)
        )
        self.points.setText(
            tr("Баллы: списано с карты {0}, возвращено на карту {1}").format(
                outcome.points_taken_back, outcome.points_given_back
            )
            if outcome.card is not None
            else ""
        )
        self.slip.setPlainText(format_return_slip(outcome))
        self.slip.show()
        self.lines.hide()
        self.reasons.setText("")
        self.keys.setText(tr("Enter — готово · F9 — напечатать ещё раз"))
        self.print_again()
        self.setFocus()
        self.returned.emit(outcome)

    def _refused(self, exc: Exception) -> None:
        self.busy = False
        self._render()  # the sale may have changed meanwhile (another till returned a line)
        self.message.setText(
            refusal(exc)
            if isinstance(exc, DomainError)
            else tr("Возврат не оформлен: {0}").format(exc)
        )

    def print_again(self) -> None:
        if self.outcome is None:
            return
        self.printed.show()
        try:
            self.printed.setText(self._printer.print_slip(format_return_slip(self.outcome)))
            restyle(self.printed, "hint")
        except PrintFailed as failed:
            restyle(self.printed, "error")
            self.printed.setText(
                tr("Чек возврата не напечатан: {0}. Возврат сохранён; F9 — ещё раз").format(failed)
            )

    # --- keys ----------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        # Enter comes here from the field too (it passes it on): the state decides what it does.
        key, text = event.key(), event.text()
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if self.busy:
            return
        if self.outcome is not None:
            if enter or key == Qt.Key.Key_Escape:
                self.closed.emit()
            elif key == Qt.Key.Key_F9:
                self.print_again()
            return
        if self.sale is None:
            if enter and self.code.text().strip():
                self.look_for(self.code.text())
            elif enter and self.recent.isVisible():
                self._open_recent()
            elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.recent.isVisible():
                step = -1 if key == Qt.Key.Key_Up else 1
                row = max(0, min(self.recent.count() - 1, self.recent.currentRow() + step))
                self.recent.setCurrentRow(row)
            elif key == Qt.Key.Key_Escape:
                self.closed.emit()
            else:
                super().keyPressEvent(event)
            return
        if enter:
            self.proceed()
        elif key == Qt.Key.Key_Escape:
            self.start(self.card)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self._move(-1 if key == Qt.Key.Key_Up else 1)
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.change_quantity(+1)
        elif key == Qt.Key.Key_Minus:
            self.change_quantity(-1)
        elif key == Qt.Key.Key_Space:
            self.toggle_line()
        elif is_all_key(key, text):
            self.everything()
        elif len(text) == 1 and text.isdigit():
            self.set_quantity(int(text))
        else:
            super().keyPressEvent(event)

    def _clear_sale(self) -> None:
        self.sale = None
        self.preview = None
        self.outcome = None
        self.quantities = {}
        self.code.show()
        for hidden in (self.heading, self.lines, self.slip, self.printed):
            hidden.hide()
        for shown in (self.money, self.tenders, self.points, self.reasons):
            shown.setText("")
