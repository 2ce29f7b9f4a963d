"""Every folder the till uses, in one place: platformdirs, or the bundle's resources."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP = "BonusPOS"


def data_dir() -> Path:
    """Where the ledger lives; BONUSPOS_DATA_DIR overrides it (tests, several tills on one PC)."""
    override = os.environ.get("BONUSPOS_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP, appauthor=False))


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
