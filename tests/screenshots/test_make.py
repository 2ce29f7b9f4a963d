"""The README's screenshots can still be made: the demo server, sync and every screen run."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage

from tests.screenshots import make


def test_every_screen_is_pictured_from_the_running_demo(tmp_path: Path) -> None:
    saved = make.make(tmp_path)

    assert [p.name for p in saved] == [
        "1-lookup.png",
        "2-customer-form.png",
        "3-checkout.png",
        "4-confirm.png",
        "5-receipt.png",
        "6-offline.png",
        "7-installments.png",
    ]
    for path in saved:
        image = QImage(str(path))
        assert (image.width(), image.height()) == (1280, 800)
