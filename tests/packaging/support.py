"""packaging/'s scripts loaded by path: the folder is not a package, and must never be one.

A package named `packaging` would shadow the PyPI library pip and setuptools import, so
the scripts run as `python packaging/build.py`; tests load them the same way.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def load(name: str) -> ModuleType:
    """packaging/<name>.py as module `name` (build.py imports bundle_contents by that name)."""
    if name in sys.modules:
        return sys.modules[name]
    if name == "build":
        load("bundle_contents")
    spec = importlib.util.spec_from_file_location(name, PACKAGING / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
