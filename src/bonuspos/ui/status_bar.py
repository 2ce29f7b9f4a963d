"""Always on screen: online or not, events waiting, last sync, who is signed in, store and till."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from bonuspos.domain.clock_rule import ClockImplausible
from bonuspos.services.views import StaffView
from bonuspos.ui.texts import clock_warning, role_name, tr
from bonuspos.ui.widgets import ElidedLabel, restyle

if TYPE_CHECKING:
    from bonuspos.services.online import SyncState  # with SQLAlchemy: not before the till loads

MINSK = ZoneInfo("Europe/Minsk")


class TillStatusBar(QStatusBar):
    def __init__(self, place: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.connection = QLabel()
        self.queue = QLabel()
        self.last_sync = QLabel()
        # The warning and who is at the till give way (ending in `…`) when the bar is
        # short of room, never widening the window past the screen; the connection, the
        # queue and the last sync are short and always whole.
        self.warning = ElidedLabel()
        self.warning.setObjectName("error")
        self._place = place
        self.who = ElidedLabel()
        self._sync_problems: list[str] = []
        self._clock_problem = ""
        self._notice = ""
        self.show_staff(None)
        for label in (self.connection, self.queue, self.last_sync):
            label.setContentsMargins(0, 0, 16, 0)
            self.addWidget(label)
        self.warning.setContentsMargins(0, 0, 16, 0)
        self.addWidget(self.warning, 1)
        self.addPermanentWidget(self.who)

    def show_state(self, state: SyncState | None) -> None:
        if state is None:
            self.connection.setText(tr("Без сервера: работа офлайн"))
            restyle(self.connection, "offline")
            self.queue.setText("")
            self.last_sync.setText("")
            self._sync_problems = []
            self._show_warning()
            return
        online = bool(state.online)
        if state.online is None:
            self.connection.setText(tr("Проверяем связь…"))
        else:
            self.connection.setText(tr("● На связи") if online else tr("● Нет связи"))
        restyle(self.connection, "online" if online else "offline")
        self.queue.setText(tr("В очереди: {0}").format(state.waiting))
        self.last_sync.setText(
            tr("Синхронизация: {0}").format(_when(state.last_sync))
            if state.last_sync
            else tr("Синхронизации ещё не было")
        )
        problems = []
        if state.receiving is not None:
            problems.append(
                tr("Загрузка карт: {0}").format(f"{state.receiving:,}".replace(",", " "))
            )
        if state.dead_letters:
            problems.append(tr("Отклонено сервером: {0}").format(state.dead_letters))
        if state.clock_wrong:
            problems.append(tr("Часы кассы расходятся с сервером"))
        self._sync_problems = problems
        self._show_warning()

    def show_staff(self, staff: StaffView | None) -> None:
        """Who the till's actions are recorded under, by name and role."""
        if staff is None:
            self.who.setText(tr("Вход не выполнен · {0}").format(self._place))
        else:
            self.who.setText(
                tr("{0}: {1} · {2}").format(role_name(staff.role), staff.full_name, self._place)
            )

    def show_notice(self, text: str) -> None:
        """Why a key did nothing (a shift that cannot end yet); cleared on the next screen."""
        self._notice = text
        self._show_warning()

    def show_clock(self, wrong: ClockImplausible | None) -> None:
        """A clock the till cannot believe stops every sale: said first, until it is set."""
        self._clock_problem = clock_warning(wrong) if wrong else ""
        self._show_warning()

    def _show_warning(self) -> None:
        shown = [text for text in (self._notice, self._clock_problem) if text]
        text = " · ".join(shown + self._sync_problems)
        self.warning.setText(text)
        # While there is a warning it has the room of who is at the till: the cashier
        # knows who and where they are, a warning is news.
        self.who.setVisible(not text)


def _when(at: datetime) -> str:
    local = at.astimezone(MINSK)
    if local.date() == datetime.now(MINSK).date():
        return local.strftime("%H:%M")
    return local.strftime("%d.%m %H:%M")
