"""`bonuspos-server price-tags`: the central catalog's shelf labels, drawn by the till's own
renderer, with every barcode reading back as its product's EAN-13."""

from __future__ import annotations

from pathlib import Path

import pytest

from bonuspos.domain.ean13 import check_digit
from bonuspos_server.admin.cli import main
from tests.services.test_price_tags import barcodes_on, words_on

HEADER = "sku;barcode;name;price;points;promotional\n"


def ean(first12: str) -> str:
    return first12 + str(check_digit(first12))


def run(url: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--database-url", url, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_server_prints_its_catalogs_tags_that_scan_back(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tv, kettle = ean("481000020001"), ean("481000020002")
    prices = tmp_path / "catalog.csv"
    prices.write_text(
        HEADER
        + f'TV-1;{tv};Телевизор 55" QLED;2499,00;75,00;0\n'
        + f"KT-1;2000123,{kettle};Электрочайник 1,7 л;89,00;2,70;0\n"
        + "RB-1;12345;Робот-пылесос (акция);599,00;0,00;1\n",
        encoding="utf-8",
    )
    assert run(database_url, capsys, "import-catalog", str(prices))[0] == 0
    out = tmp_path / "tags.pdf"
    code, said, _ = run(database_url, capsys, "price-tags", "--all", "--out", str(out))
    assert code == 0
    assert f"3 price tags on 1 A4 sheet(s): {out}" in said
    assert "without a barcode (no EAN-13 in the catalog): RB-1" in said
    assert sorted(text for _, text, _, _ in barcodes_on(out, tmp_path / "png")) == sorted(
        [tv, kettle]
    )
    words = " ".join(word for _, word, *_ in words_on(out))
    assert "АКЦИЯ" in words
    assert "+2,70 балла за 1 шт." in words

    one = tmp_path / "one.pdf"
    code, said, _ = run(database_url, capsys, "price-tags", "--sku", "KT-1", "--out", str(one))
    assert code == 0
    assert [text for _, text, _, _ in barcodes_on(one, tmp_path / "one")] == [kettle]
    code, _, err = run(database_url, capsys, "price-tags", "--sku", "NOPE", "--out", str(one))
    assert code == 2
    assert "no product 'NOPE' in the catalog" in err


def test_an_empty_catalog_is_said_not_printed(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tags.pdf"
    code, _, err = run(database_url, capsys, "price-tags", "--all", "--out", str(out))
    assert code == 2
    assert "the catalog is empty" in err
    assert not out.exists()
