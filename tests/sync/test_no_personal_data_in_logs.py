"""A day's work leaves no customer's phone or name in anything a till or server writes out.

Sign-up, sales, name and phone lookups, receipts on paper and in PDF, a return, sync to a
real server, status, end of day and the support zip: every log file, every command's
output and every printed slip is read back, and no phone in any form people write it,
and no customer's name, is in any of them.
"""

from __future__ import annotations

import logging
import re
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bonuspos import logs, paths
from bonuspos.cli import main
from bonuspos.domain.customer import CustomerForm
from bonuspos.services.clock import ManualClock
from bonuspos.services.slip import format_return_slip, format_slip
from bonuspos.services.till import Till
from tests.support import give_back, sell
from tests.sync.conftest import Central

# Each customer registered as the cashier typed the phone; each phone searched in every
# way people write it.
CUSTOMERS = {
    "Лебедева Ольга Игоревна": "+375 29 731-48-26",
    "Жуковский Пётр": "80447315962",
    "Новикова-Белая Ирина": "+375 (33) 618-20-47",
}
NAME_PARTS = ("Лебедева", "Жуковский", "Новикова", "Ольга Игоревна", "Ирина")


def written_forms(phone: str) -> list[str]:
    """A phone as people write it: +375291112233, 375291112233, 29 111-22-33, 291112233…"""
    digits = re.sub(r"\D", "", phone)[-9:]
    op, a, b, c = digits[:2], digits[2:5], digits[5:7], digits[7:]
    return [
        f"+375{digits}",
        f"375{digits}",
        f"80{digits}",
        digits,
        f"+375 {op} {a}-{b}-{c}",
        f"+375 ({op}) {a}-{b}-{c}",
        f"{op} {a}-{b}-{c}",
        f"8 0{op} {a} {b} {c}",
        f"{a}-{b}-{c}",
        f"{a}{b}{c}",
    ]


def leaks(text: str) -> list[str]:
    """Every phone form and customer's name found in `text`."""
    found = [form for phone in CUSTOMERS.values() for form in written_forms(phone) if form in text]
    found += [name for name in (*CUSTOMERS, *NAME_PARTS) if name.lower() in text.lower()]
    return found


@pytest.fixture
def debug_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "logs"
    monkeypatch.setenv("BONUSPOS_LOG_DIR", str(folder))
    monkeypatch.setenv("BONUSPOS_LOG_LEVEL", "DEBUG")
    root = logging.getLogger()
    level = root.level
    assert logs.setup() is not None
    yield folder
    for handler in list(root.handlers):
        if isinstance(handler, logs._TillLog):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def test_a_day_of_work_leaves_no_phone_or_name_in_logs_outputs_or_receipts(
    central: Central,
    debug_log: Path,
    tmp_path: Path,
    now_clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    qapp: object,
) -> None:
    from bonuspos.ui.printing import EscPosPrinter, PdfPrinter

    monkeypatch.setenv("BONUSPOS_CONFIG_DIR", str(tmp_path / "config"))
    config = central.new_till()
    token_file = tmp_path / "token.txt"
    token_file.write_text(config.token, encoding="utf-8")
    argv = ["--server", config.server, "--store", "S1", "--till", config.till]
    assert main(["configure", *argv, "--token-file", str(token_file)]) == 0
    data_dir = tmp_path / "till"
    pdfs = tmp_path / "receipts"
    escpos = tmp_path / "escpos.bin"
    escpos.touch()
    slips: list[str] = []
    with Till(data_dir, now_clock) as till:
        till.catalog.load_csv(paths.demo_catalog())
        receipts = []
        for name, phone in CUSTOMERS.items():
            card = till.registration.register(CustomerForm(name, phone, True, True))
            receipts.append(sell(till, {"TV-55Q": 1, "HP-BT": 1}, card=card))
            for typed in written_forms(phone)[:8]:
                assert till.lookup.find(typed) is not None
            assert till.lookup.search(name.split()[0]).cards
        slips += [format_slip(receipt) for receipt in receipts]
        # Whatever a developer might log one day goes through the same filter.
        logging.getLogger("bonuspos.test").debug(
            "customer %s %s", next(iter(CUSTOMERS)), CUSTOMERS["Жуковский Пётр"]
        )
    assert main(["sync", "--once", "--data-dir", str(data_dir)]) == 0
    with Till(data_dir, now_clock) as till:
        slips.append(format_return_slip(give_back(till, receipts[0].sale_id, {1: 1})))
    assert main(["sync", "--once", "--data-dir", str(data_dir)]) == 0
    assert main(["status", "--data-dir", str(data_dir), "--dead-letters"]) == 0
    main(["end-of-day", "--data-dir", str(data_dir)])
    assert main(["diagnostics", "--data-dir", str(data_dir), "--out", str(tmp_path / "d.zip")]) == 0
    for slip in slips:
        PdfPrinter(pdfs).print_slip(slip, "1234567890")
        EscPosPrinter("file", str(escpos)).print_slip(slip, "1234567890")
    said = capsys.readouterr()

    outputs = {
        "till log": "\n".join(p.read_text(encoding="utf-8") for p in sorted(debug_log.iterdir())),
        "server log": central.server.log.read_text(encoding="utf-8", errors="replace"),
        "commands' output": said.out + said.err,
        "printed ESC/POS": escpos.read_bytes().decode("cp866", errors="replace"),
        "receipt PDFs": "\n".join(pdf_text(path) for path in sorted(pdfs.glob("*.pdf"))),
    }
    with zipfile.ZipFile(tmp_path / "d.zip") as archive:
        outputs["diagnostics zip"] = "\n".join(
            archive.read(name).decode("utf-8") for name in archive.namelist()
        )
    reports = sorted((data_dir / "reports").rglob("*.*")) if (data_dir / "reports").is_dir() else []
    outputs["day reports"] = "\n".join(
        pdf_text(p) if p.suffix == ".pdf" else p.read_text(encoding="utf-8") for p in reports
    )

    assert "DEBUG" in outputs["till log"]  # the level really was DEBUG
    assert "+375 44 ***-**-62" in outputs["till log"]  # the deliberate line, masked
    assert logs.NAME_HIDDEN in outputs["till log"]
    assert "+375 29 ***-**-26" in outputs["receipt PDFs"]  # the card, as the slip shows it
    assert "+375 29 ***-**-26" in outputs["printed ESC/POS"]
    assert "/v1/" in outputs["server log"]  # the server logged the till's requests
    assert "В очереди" in outputs["commands' output"]
    assert "logs/bonuspos.log" in zipfile.ZipFile(tmp_path / "d.zip").namelist()
    assert {where: leaks(text) for where, text in outputs.items()} == {
        where: [] for where in outputs
    }
    assert config.token not in "\n".join(outputs.values())
