"""The receipt code's Code 128 (set C) bars: the symbology's tables, a reference encoder, and
a decoder that reads the bars back to the digits."""

from __future__ import annotations

import itertools
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bonuspos.domain.receipt_code import receipt_code
from bonuspos.services.barcode import PATTERNS, STOP, code128c
from tests.support import read_code128c


def test_every_symbol_is_eleven_modules_with_even_bars_and_the_stop_thirteen() -> None:
    assert len(PATTERNS) == 107
    assert len(set(PATTERNS)) == 107
    for value, pattern in enumerate(PATTERNS):
        widths = [int(w) for w in pattern]
        assert sum(widths) == (13 if value == STOP else 11)
        # The symbology's parity: bars always take an even count of modules.
        assert sum(widths[0::2]) % 2 == 0
        assert all(1 <= w <= 4 for w in widths)


def test_a_short_code_by_hand_from_the_published_table() -> None:
    # "1234": start C (105), 12, 34; check (105 + 1·12 + 2·34) mod 103 = 82; stop.
    expected = "2112321122321311231212412331112"
    assert "".join(map(str, code128c("1234"))) == expected


@given(st.integers(min_value=0, max_value=2**128 - 1))
def test_the_bars_read_back_as_the_receipt_code(number: int) -> None:
    code = receipt_code(str(uuid.UUID(int=number)))
    widths = code128c(code)
    assert sum(widths) == 11 * 22 + 13  # start, twenty pairs, check, stop
    assert read_code128c(widths) == code


@pytest.mark.parametrize(
    "digits",
    [
        receipt_code(str(uuid.UUID(int=0))),
        receipt_code(str(uuid.UUID(int=2**128 - 1))),
        receipt_code("3f2b8c1e-9a4d-4e2f-b6c7-1d2e3f4a5b6c"),
        "00",
        # Not "99" first: python-barcode takes a leading 99 for a switch to set C and drops
        # it. A receipt code starts 90..93 (a 128-bit number has 39 digits, the first ≤ 3).
        "12" + "99" * 19,
        "0102030405060708091011121314151617181920",
    ],
)
def test_the_bars_are_those_python_barcode_draws(digits: str) -> None:
    reference = pytest.importorskip("barcode")
    modules = reference.get("code128", digits).build()[0]
    widths = [len(list(run)) for _, run in itertools.groupby(modules)]
    assert modules.startswith("1")
    assert code128c(digits) == widths


@pytest.mark.parametrize("digits", ["", "123", "12a4", "١٢", "12 34"])
def test_anything_but_pairs_of_digits_is_refused(digits: str) -> None:
    with pytest.raises(ValueError, match="even number of digits"):
        code128c(digits)
