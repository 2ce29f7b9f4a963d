"""`bonuspos configure --scanner-…`: how IT tells a till what its scanner sends."""

from __future__ import annotations

from pathlib import Path

import pytest

from bonuspos.cli import main
from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.scanner import DEFAULT_GAP_MS, DEFAULT_MIN_LENGTH, ScannerSettings
from bonuspos.sync.config import SCANNER_FILE, load_scanner


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv("BONUSPOS_CONFIG_DIR", str(folder))
    return folder


def test_a_till_nobody_configured_has_the_default_gap(config_dir: Path) -> None:
    assert load_scanner() == ScannerSettings(DEFAULT_GAP_MS, DEFAULT_MIN_LENGTH, "", "")


def test_each_setting_may_be_given_alone_and_the_others_are_kept(
    config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["configure", "--scanner-prefix", "~", "--scanner-suffix", "#"]) == 0
    assert main(["configure", "--scanner-gap-ms", "45"]) == 0
    assert main(["configure", "--scanner-min-length", "8"]) == 0

    assert load_scanner() == ScannerSettings(45, 8, "~", "#")
    said = capsys.readouterr().out.splitlines()[-1]
    assert said.startswith("Сканер: промежуток до 45 мс, код от 8 знаков, префикс «~»")
    assert main(["configure", "--scanner-prefix", ""]) == 0  # no prefix any more
    assert load_scanner().prefix == ""


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--scanner-gap-ms", "80"], "от 10 до 79 мс: люди печатают с промежутком 80 мс"),
        (["--scanner-gap-ms", "5"], "от 10 до 79 мс"),
        (["--scanner-min-length", "2"], "Наименьшая длина кода со сканера — от 3 до 40"),
        (["--scanner-prefix", "A"], "Префикс сканера — один знак латинской раскладки"),
        (["--scanner-suffix", "ю"], "Суффикс сканера — один знак латинской раскладки"),
        (["--scanner-prefix", "~~"], "Префикс сканера — один знак"),
        (["--scanner-prefix", "#", "--scanner-suffix", "#"], "должны быть разными"),
    ],
)
def test_a_wrong_setting_is_refused_in_russian_and_changes_nothing(
    config_dir: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["configure", "--scanner-gap-ms", "50"]) == 0

    assert main(["configure", *argv]) == 2

    assert message in capsys.readouterr().err
    assert load_scanner() == ScannerSettings(gap_ms=50)


def test_a_damaged_file_is_named_and_configure_starts_again_from_the_defaults(
    config_dir: Path,
) -> None:
    config_dir.mkdir()
    (config_dir / SCANNER_FILE).write_text('{"gap_ms": "fast"}', encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"Файл настроек сканера .* повреждён"):
        load_scanner()
    assert main(["configure", "--scanner-suffix", "#"]) == 0
    assert load_scanner() == ScannerSettings(suffix="#")


def test_the_self_test_says_how_the_till_tells_a_scan(
    config_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["configure", "--scanner-prefix", "~"]) == 0
    main(["self-test", "--data-dir", str(tmp_path / "till")])
    out = capsys.readouterr().out
    assert "OK       Сканер штрихкодов: промежуток до 60 мс, код от 6 знаков, префикс «~»" in out


def test_the_screens_get_the_tills_settings_and_a_damaged_file_leaves_the_defaults(
    config_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bonuspos.ui import app

    given: list[ScannerSettings | None] = []

    def run(*_: object, scanning: ScannerSettings | None = None, **__: object) -> int:
        given.append(scanning)
        return 0

    monkeypatch.setattr(app, "run", run)
    assert main(["configure", "--scanner-gap-ms", "40", "--scanner-prefix", "~"]) == 0
    assert main(["--data-dir", str(tmp_path / "till")]) == 0
    (config_dir / SCANNER_FILE).write_text("{", encoding="utf-8")
    assert main(["--data-dir", str(tmp_path / "till")]) == 0  # the till still opens

    assert given == [ScannerSettings(40, DEFAULT_MIN_LENGTH, "~", ""), None]
