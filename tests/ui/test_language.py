"""Russian by default, English on `--lang en`: every text the screens show goes through tr(),
has its English in resources/i18n/bonuspos_en.ts, and the .qm beside it is built from it.

Domain messages (`DomainError.message`) and amounts ("75,00 б.") come in Russian in either
language: the rules own them, the screens show them as they come.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QTableWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from bonuspos.domain.staff import Role
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import Till
from bonuspos.ui import app as ui_app
from bonuspos.ui import i18n
from bonuspos.ui.printing import SlipPrinter
from tests.ui.conftest import ANNA, prepared_till, sign_in

CYRILLIC = re.compile("[А-Яа-яЁё]")
PLACEHOLDER = re.compile(r"\{\d*\}")
IVANOVA_PIN = "2468"
REGENERATE = "python -m bonuspos.ui.i18n update, translate, then python -m bonuspos.ui.i18n build"


@pytest.mark.parametrize("language", i18n.languages())
def test_the_qm_is_what_lrelease_builds_from_the_ts(tmp_path: Path, language: str) -> None:
    built = tmp_path / f"bonuspos_{language}.qm"
    i18n.build(i18n.ts_file(language), built)

    shipped = i18n.qm_file(language)
    assert shipped.exists(), f"{shipped} is missing: {REGENERATE}"
    assert shipped.read_bytes() == built.read_bytes(), f"{shipped} is stale: {REGENERATE}"


@pytest.mark.parametrize("language", i18n.languages())
def test_every_text_the_code_translates_has_a_finished_translation(language: str) -> None:
    found = i18n.extract()
    assert not found.problems, f"tr() needs a literal text here: {found.problems}"
    assert len(found.messages) > 50  # the extraction sees the screens at all
    translations = i18n.read_ts(i18n.ts_file(language))

    untranslated = [
        source
        for context, source in found.messages
        if (context, source) not in translations or not translations[context, source].finished
    ]
    assert not untranslated, f"not translated in {language} ({REGENERATE}): {untranslated}"
    for (context, source), translation in translations.items():
        if (context, source) not in found.messages:
            assert not translation.finished, f"no longer in the code ({REGENERATE}): {source}"
            continue
        text = translation.text
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(source)), text
        assert not CYRILLIC.search(text), f"left in Russian: {text}"


def bypassing(folder: Path) -> list[str]:
    """Cyrillic string literals that are neither a docstring nor a text tr() translates."""
    marked = i18n.extract(folder).marked()
    found = []
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        found += [
            f"{path.name}:{node.lineno}: {node.value!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and CYRILLIC.search(node.value)
            and id(node) not in docstrings
            and (path, node.lineno, node.col_offset) not in marked
        ]
    return found


def test_no_cyrillic_text_in_the_screens_bypasses_tr() -> None:
    found = bypassing(i18n.UI_DIR)
    assert not found, "wrap these in tr() from bonuspos.ui.texts:\n" + "\n".join(found)


def test_the_checks_see_a_text_that_bypasses_tr_or_cannot_be_extracted(tmp_path: Path) -> None:
    (tmp_path / "screen.py").write_text(
        '"""Экран."""\n'
        'COLUMNS = ("Товар", "Цена")\n'
        "def f(tr, name):\n"
        '    return [tr(c) for c in COLUMNS], tr("Итого"), "Оплата", f"{name} Скидка", tr(name)\n',
        encoding="utf-8",
    )
    found = i18n.extract(tmp_path)

    assert {source for _, source in found.messages} == {"Товар", "Цена", "Итого"}
    assert found.problems == ["screen.py:4: tr() of name, not a literal"]
    assert bypassing(tmp_path) == ["screen.py:4: 'Оплата'", "screen.py:4: ' Скидка'"]


# --- the real screens -------------------------------------------------------------------------


def russian_left(window: QWidget) -> list[str]:
    """Every text on the window and its screens (shown or not yet) that has Cyrillic in it."""
    shown = [window.windowTitle()]
    for widget in window.findChildren(QWidget):
        shown.append(widget.accessibleName())
        if isinstance(widget, QLabel | QAbstractButton):
            shown.append(widget.text())
        elif isinstance(widget, QLineEdit):
            shown.append(widget.placeholderText())
        elif isinstance(widget, QComboBox):
            shown += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, QTableWidget):
            headers = (widget.horizontalHeaderItem(i) for i in range(widget.columnCount()))
            shown += [h.text() for h in headers if h is not None]
    return [text for text in shown if CYRILLIC.search(text)]


def title_of(screen: QWidget) -> str:
    return next(x.text() for x in screen.findChildren(QLabel) if x.objectName() == "title")


@pytest.fixture
def english(
    qtbot: QtBot,
    tmp_path: Path,
    clock: ManualClock,
    printer: SlipPrinter,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[ui_app.Running]:
    """The screens as `bonuspos --lang en` starts them. The translator stays on the
    application once installed: it is taken off after the test, or every later test reads
    English."""
    installed: list[QTranslator] = []
    install = ui_app.install_language

    def recording(app: QApplication, language: str) -> QTranslator | None:
        translator = install(app, language)
        if translator is not None:
            installed.append(translator)
        return translator

    monkeypatch.setattr(ui_app, "install_language", recording)
    locale = QLocale()
    prepared_till(tmp_path / "till", clock)
    with Till(tmp_path / "till", clock) as till:
        till.staff.add_local("Ivanova", Role.CASHIER, IVANOVA_PIN)  # a name in English too
    try:
        running = ui_app.start(
            tmp_path / "till",
            None,
            language="en",
            clock=clock,
            printer=printer,
            sync=False,
        )
        qtbot.addWidget(running.window)
        qtbot.waitExposed(running.window)
        assert installed, "resources/i18n/bonuspos_en.qm did not load"
        assert title_of(running.window.sign_in) == "Sign in"
        sign_in(qtbot, running, "Ivanova", IVANOVA_PIN)
        yield running
        running.close()
    finally:
        for translator in installed:
            QCoreApplication.removeTranslator(translator)
        QLocale.setDefault(locale)


def test_english_screens_show_english(english: ui_app.Running) -> None:
    window = english.window
    assert window.windowTitle() == "BonusPOS — “Favourite Customer” programme till"
    assert title_of(window.lookup) == "Customer card"
    assert window.status.connection.text() == "No server: working offline"
    assert "Cashier: Ivanova · till without a server" in [
        x.text() for x in window.status.findChildren(QLabel)
    ]
    assert russian_left(window) == []

    window.sell_to(None)
    assert window.checkout.holder.text() == "Sale without card"
    assert window.checkout.offer.text() == "No card: points are neither redeemed nor earned"
    assert russian_left(window) == []

    window.to_lookup()
    window.lookup.look_up("+375336543210")
    assert window.lookup.message.text() == "Card not found. Issue a new one? F4"
    window.lookup.look_up(ANNA)
    assert window.lookup.balance.text().startswith("Available: ")  # then "75,00 б.": the rules'


def test_the_default_is_russian_and_english_is_gone_after_its_test(
    screens: ui_app.Running,
) -> None:
    window = screens.window
    assert window.windowTitle() == "BonusPOS — касса программы «Любимый покупатель»"
    assert title_of(window.lookup) == "Карта покупателя"
    assert window.status.connection.text() == "Без сервера: работа офлайн"
    assert QCoreApplication.translate("BonusPOS", "Карта покупателя") == "Карта покупателя"
