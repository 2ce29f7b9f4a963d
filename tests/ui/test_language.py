"""Russian by default, English on `--lang en`: every text the screens show goes through tr(),
has its English in resources/i18n/bonuspos_en.ts, and the .qm beside it is built from it.

A refusal of the rules is worded from its reason and figures in the screen's language; its
Russian `message` is only for a reason not worded yet. Amounts ("75,00 б.") are written as
the rules write them, in either language.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt, QTranslator
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

from bonuspos.domain.card import parse_phone
from bonuspos.domain.cart import Cart
from bonuspos.domain.customer import CustomerForm, FormError, accept
from bonuspos.domain.errors import DomainError, InvalidInput
from bonuspos.domain.policy import Policy
from bonuspos.domain.staff import Action, Role
from bonuspos.ledger.repositories import POLICY_SETTING
from bonuspos.ledger.unit_of_work import StorageFailed, UnitOfWork
from bonuspos.services.checkout import SaleRequest, new_sale_id
from bonuspos.services.clock import ManualClock
from bonuspos.services.corrections import check_reason
from bonuspos.services.errors import WrongPin, storage_problems
from bonuspos.services.staff import require_approval
from bonuspos.services.till import Till
from bonuspos.ui import app as ui_app
from bonuspos.ui import i18n
from bonuspos.ui.printing import SlipPrinter
from bonuspos.ui.texts import field_refusals, refusal
from tests.domain.test_refusal_reasons import CASES
from tests.ui.conftest import ANNA, TYPING, prepared_till, sign_in

CYRILLIC = re.compile("[А-Яа-яЁё]")
PLACEHOLDER = re.compile(r"\{\d*\}")
IVANOVA_PIN = "2468"
REGENERATE = "python -m bonuspos.ui.i18n update, translate, then python -m bonuspos.ui.i18n build"
CABLE = "4810000000043"  # 19,90, not on promotion


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
def policy() -> Policy | None:
    """The policy the till has from the server; None: the programme's default."""
    return None


@pytest.fixture
def english(
    qtbot: QtBot,
    tmp_path: Path,
    clock: ManualClock,
    printer: SlipPrinter,
    monkeypatch: pytest.MonkeyPatch,
    policy: Policy | None,
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
        if policy is not None:
            with UnitOfWork(till.db.writing) as uow:
                uow.settings.set(POLICY_SETTING, json.dumps(policy.to_dict()))
                uow.commit()
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
    assert window.lookup.message.text() == "Card not found. Issue a new one? F2"
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


# --- refusals and the policy's figures --------------------------------------------------------


def sell_to_anna(qtbot: QtBot, running: ui_app.Running, barcode: str) -> None:
    """Anna's card looked up and taken to the sale; one item scanned."""
    window = running.window
    qtbot.keyClicks(window.lookup.phone, ANNA[4:], delay=TYPING)
    qtbot.keyClick(window.lookup.phone, Qt.Key.Key_Return)
    qtbot.keyClick(window.lookup.phone, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.checkout
    qtbot.keyClicks(window.checkout.code, barcode)
    qtbot.keyClick(window.checkout.code, Qt.Key.Key_Return)


def the_rules_line(running: ui_app.Running) -> str:
    return next(
        x.text()
        for x in running.window.lookup.findChildren(QLabel)
        if x.text().startswith("Points as on the price tag")
    )


def test_an_english_till_refuses_more_points_than_the_cap_in_english(
    qtbot: QtBot, english: ui_app.Running
) -> None:
    assert "points pay up to 30% of a purchase" in the_rules_line(english)
    sell_to_anna(qtbot, english, CABLE)
    checkout = english.window.checkout
    assert checkout.offer.text() == (
        "Up to 5,97 б. can be redeemed: 30% of the non-promotional items total"
    )

    qtbot.keyClicks(checkout.points, "6,00", delay=TYPING)
    qtbot.keyClick(checkout, Qt.Key.Key_F10)
    qtbot.keyClick(checkout, Qt.Key.Key_Return)  # confirmed: the rules refuse the sale
    qtbot.waitUntil(lambda: not checkout.busy)

    assert checkout.message.text() == (
        "No more than 5,97 б. can be redeemed, not 6,00 б. (30% of the non-promotional items total)"
    )
    assert english.window.stack.currentWidget() is checkout  # nothing sold


@pytest.mark.parametrize("policy", [Policy(version=2, cap_percent=20)])
def test_the_cap_and_the_rules_line_follow_the_policys_percent(
    qtbot: QtBot, english: ui_app.Running
) -> None:
    assert "points pay up to 20% of a purchase" in the_rules_line(english)
    form_rules = [x.text() for x in english.window.form.findChildren(QLabel)]
    assert any("up to 20% of a purchase" in text for text in form_rules)  # what they agree to
    sell_to_anna(qtbot, english, CABLE)
    assert english.window.checkout.offer.text() == (
        "Up to 3,98 б. can be redeemed: 20% of the non-promotional items total"
    )


def test_an_english_till_refuses_an_invalid_phone_in_english(english: ui_app.Running) -> None:
    lookup = english.window.lookup
    lookup.look_up("+375 17 123-45-67")
    assert lookup.message.text() == (
        "Operator code 17 is not a mobile one: it must be 25, 29, 33 or 44"
    )


def refused(action: Callable[[], object]) -> DomainError:
    with pytest.raises(DomainError) as caught:
        action()
    return caught.value


def test_an_invalid_phone_is_worded_in_english_and_an_unknown_reason_keeps_its_message(
    english: ui_app.Running,
) -> None:
    assert refusal(refused(lambda: parse_phone("+375 17 123-45-67"))) == (
        "Operator code 17 is not a mobile one: it must be 25, 29, 33 or 44"
    )
    assert refusal(refused(lambda: parse_phone("29 ABC"))) == (
        "A phone number has only digits, spaces, brackets and hyphens"
    )
    assert refusal(InvalidInput("Чек пуст: добавьте товар")) == "Чек пуст: добавьте товар"


def test_every_refusal_of_the_rules_is_worded_in_english(english: ui_app.Running) -> None:
    for what, action, *_ in CASES:
        wrong = refused(action)
        worded = refusal(wrong)
        assert worded != wrong.message, f"{what}: {wrong.reason} is not worded"
        # Only what the rules quote back may be Cyrillic: a product's name, an amount's "б."
        assert not CYRILLIC.search(worded.replace("Телевизор", "").replace(" б.", "")), worded


def test_a_refused_form_is_worded_in_english_field_by_field(english: ui_app.Running) -> None:
    form = CustomerForm("Анна", "+375 17 123-45-67", consent=False, not_legal_entity=False)
    form_error = refused(lambda: accept(form))
    assert isinstance(form_error, FormError)

    assert field_refusals(form_error) == {
        "full_name": "Enter the surname and first name",
        "phone": "Operator code 17 is not a mobile one: it must be 25, 29, 33 or 44",
        "consent": "No card can be issued without consent to the programme's rules",
        "not_legal_entity": "Confirm that the customer is a private individual",
    }


def raising(error: DomainError) -> Callable[[], object]:
    def action() -> object:
        raise error

    return action


def busy_database() -> None:
    with storage_problems():
        raise StorageFailed("database is locked")


@pytest.mark.parametrize(
    ("action", "english_text"),
    [
        (lambda: SaleRequest(new_sale_id(), Cart(), ()), "The receipt is empty: add an item"),
        (
            lambda: check_reason("  "),
            "Give the correction's reason: without one the points do not change",
        ),
        (
            lambda: require_approval(None, Action.RETURN, "return-1", "Возврат"),
            "Return: a manager's approval is needed",
        ),
        (
            busy_database,
            "The till's database is in use by another program: nothing"
            " was written. Close the other program or try again in a minute",
        ),
        (raising(WrongPin(3)), "Wrong PIN: 3 attempts left"),
        (raising(WrongPin(0)), "Wrong PIN"),
    ],
    ids=["empty cart", "no reason", "approval", "busy database", "wrong PIN", "last wrong PIN"],
)
def test_the_tills_own_refusals_are_worded_in_english(
    english: ui_app.Running, action: Callable[[], object], english_text: str
) -> None:
    assert refusal(refused(action)) == english_text
