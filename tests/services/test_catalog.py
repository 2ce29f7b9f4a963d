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
