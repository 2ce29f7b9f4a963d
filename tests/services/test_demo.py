"""`bonuspos demo --text` walks through the programme and shows each rule at work."""

from __future__ import annotations

from pathlib import Path

import pytest

from bonuspos.cli import main


def test_the_demo_shows_earning_refusal_the_same_day_and_spending_the_next(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--text", "--data-dir", str(tmp_path / "demo")]) == 0
    out = capsys.readouterr().out
    assert "Карта оформлена: Иванова Анна Сергеевна, +375 29 ***-**-67" in out
    assert "Начислено                         76,20 б." in out
    assert "отказ: Списать можно не больше 0,00 б." in out
    assert "Можно списать: 44,70 б. — 30% от суммы товаров без акций" in out
    assert "Оплачено баллами                    -44,70" in out
    slip_cards = [line for line in out.splitlines() if line.startswith("Карта ")]
    assert slip_cards
    assert all("***-**-67" in line for line in slip_cards)
