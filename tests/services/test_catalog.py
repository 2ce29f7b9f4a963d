"""Loading a price list and finding goods by barcode or SKU."""

from __future__ import annotations

from pathlib import Path

import pytest

from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.money import Money, Points
from bonuspos.services.errors import NotFound
from bonuspos.services.till import Till


def test_goods_are_found_by_barcode_or_sku(till: Till) -> None:
    by_barcode = till.catalog.find("4810000000036")
    assert by_barcode == till.catalog.find("HP-BT")
    assert by_barcode.price == Money(149_00)
    assert by_barcode.points == Points(4_50)


def test_unknown_goods_are_refused_with_a_message(till: Till) -> None:
    with pytest.raises(NotFound, match="не найден"):
        till.catalog.find("4810000009999")
    with pytest.raises(InvalidInput):
        till.catalog.find("  ")


def test_a_price_list_with_a_bad_row_loads_nothing(till: Till, tmp_path: Path) -> None:
    bad = tmp_path / "prices.csv"
    bad.write_text(
        "sku;barcode;name;price;points;promotional\n"
        "NEW-1;4810000000111;Новый товар;10,00;0,30;0\n"
        "NEW-2;4810000000128;Ещё товар;десять;0,30;0\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput, match="строка 3"):
        till.catalog.load_csv(bad)
    with pytest.raises(NotFound):
        till.catalog.find("NEW-1")


@pytest.mark.parametrize(
    ("row", "why"),
    [
        ("P1;;Пылесос акция;500,00;15,00;TRUE", "признак акции"),
        ("P1;;Пылесос;500,00;15,00; да", "признак акции"),
        (";;Без артикула;5,00;0,10;0", "артикул"),
        ("P1;;Короткая строка;5,00", "столбцы"),
        ("P1;;Подарок;0,00;5,00;0", "больше, чем цена"),
    ],
)
def test_a_price_list_with_an_unclear_row_loads_nothing(
    till: Till, tmp_path: Path, row: str, why: str
) -> None:
    bad = tmp_path / "prices.csv"
    bad.write_text(
        "sku;barcode;name;price;points;promotional\nOK-1;;Хороший товар;10,00;0,30;0\n"
        + row
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput, match=why):
        till.catalog.load_csv(bad)
    with pytest.raises(NotFound):
        till.catalog.find("OK-1")


def test_a_price_list_saved_by_excel_loads(till: Till, tmp_path: Path) -> None:
    prices = tmp_path / "prices.csv"
    prices.write_text(
        "sku;barcode;name;price;points;promotional\nNEW-1;4810000000111;Новый;10,00;0,30;1\n",
        encoding="utf-8-sig",
    )
    assert till.catalog.load_csv(prices) == 1
    assert till.catalog.find("4810000000111").promotional
