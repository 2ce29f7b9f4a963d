"""Every folder the till uses, in one place: platformdirs, or the bundle's resources.

The database is per user by default. A till where several Windows logins take turns
shares one database instead: `bonuspos configure --data-dir` records a folder in the
machine-wide settings file (ProgramData on Windows), which every login reads.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import platformdirs

APP = "BonusPOS"
MACHINE_FILE = "till.json"
DB_NAME = "till.sqlite3"  # in the data folder


def data_dir() -> Path:
    """Where the ledger lives: BONUSPOS_DATA_DIR (tests, several tills on one PC), else the
    machine-wide folder IT recorded, else this user's own data folder."""
    override = os.environ.get("BONUSPOS_DATA_DIR")
    if override:
        return Path(override)
    shared = machine_settings().get("data_dir")
    if isinstance(shared, str) and shared:
        return Path(shared)
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def machine_config_dir() -> Path:
    """BONUSPOS_MACHINE_CONFIG_DIR overrides the platform's machine-wide folder (tests)."""
    override = os.environ.get("BONUSPOS_MACHINE_CONFIG_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.site_config_dir(APP, appauthor=False))


def machine_settings() -> dict[str, object]:
    """The machine-wide settings; empty when there are none or the file is unreadable
    (a till must still start: on its user's folder, as before IT configured one)."""
    try:
        data = json.loads((machine_config_dir() / MACHINE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_machine_settings(settings: dict[str, object]) -> Path:
    """Write the machine-wide settings (IT, as an administrator); OSError if not allowed."""
    folder = machine_config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / MACHINE_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(settings, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(temporary, path)
    return path


def resources_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)  # set by PyInstaller inside a frozen build
    if bundle:
        return Path(bundle) / "resources"
    packaged = Path(__file__).resolve().parent / "resources"  # an installed wheel
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "resources"  # a source checkout


def demo_catalog() -> Path:
    return resources_dir() / "demo" / "catalog.csv"


def demo_customers() -> Path:
    return resources_dir() / "demo" / "customers.csv"
