"""What goes into the till's bundle and what is left out, shared by the spec and the benches.

The till's screens use four Qt modules (QtCore, QtGui, QtWidgets, QtPrintSupport):
everything else PySide6 ships — QtQuick, QtWebEngine, Qt3D, QtMultimedia, QtNetwork,
plugins for Wayland, EGL, image formats, TLS — is weight a store PC downloads and loads
for nothing. PyInstaller's Qt hooks bundle each imported module's plugins and their
libraries; the filters below trim that to what the till runs on.

Plain functions over destination paths, imported by packaging/bonuspos.spec (PyInstaller
runs it with this folder on sys.path) and by tests/bench/bench_bundle.py, which builds a
bare window with the same trimming so the two start the same way.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

# `grep -rh "from PySide6" src` gives exactly these; a screen importing another Qt module
# must add it here, or the frozen till fails with ModuleNotFoundError (the bundle test
# starts the screens, so it would say so).
QT_MODULES_USED = frozenset({"QtCore", "QtGui", "QtWidgets", "QtPrintSupport"})

# Qt's shared libraries the four modules and the kept plugins link to (lib name without
# `lib`/`Qt6` and extension); ICU is Qt Core's on Linux.
QT_LIBS_KEPT = frozenset({"Core", "Gui", "Widgets", "PrintSupport", "DBus", "XcbQpa"})

# Qt plugins by folder: None keeps the whole folder, a set keeps those plugins (file
# names without `lib`, extension or a Windows `d` suffix). Folders not listed are dropped.
QT_PLUGINS_KEPT: dict[str, frozenset[str] | None] = {
    # xcb for the store's X desktop, windows and cocoa for the others, offscreen and
    # minimal for headless starts (self-test, the bundle test, a PDF from end-of-day).
    "platforms": frozenset({"qxcb", "qwindows", "qcocoa", "qoffscreen", "qminimal"}),
    # Dead keys and the compose key on X; ibus would drag in D-Bus input methods and the
    # virtual keyboard all of QtQuick.
    "platforminputcontexts": frozenset({"composeplatforminputcontextplugin"}),
    "printsupport": None,  # CUPS: the `system` receipt printer on Linux
    "styles": None,  # the native Windows look under the till's style sheet
}

# Python packages a till never runs: the server and its web stack (bundled separately
# if ever), the test and lint tools of the dev extra, and GUI toolkits not used.
EXCLUDED_PACKAGES = (
    "bonuspos_server",
    "fastapi",
    "starlette",
    "uvicorn",
    "uvloop",
    "httptools",
    "watchfiles",
    "websockets",
    "pydantic",
    "pydantic_core",
    "psycopg",
    "psycopg_binary",
    "psycopg2",
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "schemathesis",
    "mypy",
    "IPython",
    "tkinter",
    "_tkinter",
    "numpy",
    "sqlalchemy.testing",
    "alembic.testing",
    "setuptools",
    "pip",
    "readline",  # a till has no interactive prompt; it would bring libreadline, libtinfo
    # Pillow comes with python-escpos (receipt images); AVIF, WebP, colour management
    # and Tk are 6 MB of libraries a receipt printer never needs.
    "PIL._avif",
    "PIL.AvifImagePlugin",
    "PIL._webp",
    "PIL.WebPImagePlugin",
    "PIL._imagingcms",
    "PIL.ImageCms",
    "PIL._imagingtk",
    "PIL.ImageTk",
    # Font rendering (FreeType, HarfBuzz: 3 MB): only python-barcode's image writer draws
    # text, and the till has the printer draw the receipt's Code 128 itself.
    "PIL._imagingft",
    # httpx's command line (httpx._main) and what it brings: 2.7 MB of the archive.
    "httpx._main",
    "pygments",
    "rich",
    "click",
    "markdown_it",
    "mdurl",
    "pydoc_data",  # help() topics
    # The standard library's debugging and mail tools; nothing at a till runs them.
    "pydoc",
    "doctest",
    "pdb",
    "bdb",
    "xmlrpc",
    "ftplib",
    "smtplib",
    "_pydecimal",  # decimal's pure-Python twin; the C one is always there
    "multiprocessing",  # one process, its threads; diagnostics zip, backups copy with sqlite3
    "tarfile",
)

# Time zones: the till counts days in Minsk and stores times in UTC. Windows has no zone
# database of its own, so the tzdata package is bundled, but only these of its 600 files.
TZDATA_KEPT = frozenset({"Europe/Minsk", "UTC", "Etc/UTC", "GMT", "Etc/GMT"})

# Libraries taken from the store PC, never bundled (file name prefixes). CUPS: a PC that
# prints through CUPS has its client library, and it must match the PC's CUPS; D-Bus:
# every Linux desktop has it; fontconfig and FreeType: a bundled fontconfig older than
# the PC's configuration files fails on them and the till draws with no fonts. Dropping
# them drops their own libraries too (GnuTLS, Kerberos, systemd: 12 MB), see
# prune_orphans. build.py lists what the bundle expects of the PC in its install note.
SYSTEM_LIBS = ("libcups.", "libdbus-1.", "libfontconfig.", "libfreetype.")


def unused_qt_modules() -> list[str]:
    """Every PySide6 module installed but not imported by the till, as `PySide6.QtX`."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or spec.origin is None:
        return []
    folder = Path(spec.origin).parent
    names = {path.name.split(".")[0] for path in folder.glob("Qt*.*") if _is_extension(path)}
    return sorted(f"PySide6.{name}" for name in names - QT_MODULES_USED)


def unused_phone_regions() -> list[str]:
    """Every region's phone metadata but Belarus's (0.5 MB of the archive): a card is a
    Belarusian mobile, and the rules read no other region's numbering plan."""
    spec = importlib.util.find_spec("phonenumbers")
    if spec is None or spec.origin is None:
        return []
    folder = Path(spec.origin).parent
    return sorted(
        f"phonenumbers.{path.parent.name}.{path.stem}"
        for sub in ("data", "shortdata")
        for path in (folder / sub).glob("region_*.py")
        if (sub, path.stem) != ("data", PHONE_REGION_KEPT)
    )


PHONE_REGION_KEPT = "region_BY"


def _is_extension(path: Path) -> bool:
    return path.suffix in (".so", ".pyd") and path.name.startswith("Qt")


EXCLUDED_MODULES = [*EXCLUDED_PACKAGES, *unused_qt_modules(), *unused_phone_regions()]


def _parts(destination: str) -> tuple[str, ...]:
    return PurePosixPath(destination.replace("\\", "/")).parts


def _stem(name: str) -> str:
    """`libqxcb.so` → `qxcb`; `qwindows.dll` → `qwindows`; `libQt6Gui.so.6` → `Qt6Gui`."""
    base = name.split(".")[0]
    return base.removeprefix("lib")


def keep_binary(destination: str) -> bool:
    """Whether a shared library or plugin PyInstaller collected belongs in the till."""
    parts = _parts(destination)
    if "plugins" in parts and parts[0] == "PySide6":
        at = parts.index("plugins")
        if len(parts) < at + 3:
            return True
        folder, plugin = parts[at + 1], _stem(parts[-1])
        if folder not in QT_PLUGINS_KEPT:
            return False
        kept = QT_PLUGINS_KEPT[folder]
        return kept is None or plugin in kept or plugin.removesuffix("d") in kept
    if len(parts) == 1 and parts[0].startswith(SYSTEM_LIBS):
        return False
    stem = _stem(parts[-1])
    if stem.startswith("Qt6") and parts[0] == "PySide6":
        return stem.removeprefix("Qt6") in QT_LIBS_KEPT
    return True


def keep_data(destination: str) -> bool:
    """Whether a data file PyInstaller collected belongs in the till."""
    parts = _parts(destination)
    if parts[:3] == ("PySide6", "Qt", "translations"):
        # The screens' texts are the till's own (resources/i18n); it loads none of Qt's.
        return False
    if parts[0] == "PySide6" and "plugins" in parts:
        return keep_binary(destination)
    if parts[:2] == ("tzdata", "zoneinfo") and not parts[-1].endswith(".py"):
        return "/".join(parts[2:]) in TZDATA_KEPT or parts[-1] in ("tzdata.zi", "zones")
    return True


# Libraries that nothing links to but Python loads by name at run time (ctypes): kept
# whatever the link analysis says. pyusb finds libusb this way for ESC/POS printers.
LOADED_BY_NAME = ("libpython", "python3", "libusb", "libffi")

Entry = tuple[str, str, str]  # PyInstaller's TOC entry: destination, source, type code


def prune_orphans(binaries: list[Entry], imports: Callable[[str], Iterable[str]]) -> list[Entry]:
    """Drop top-level libraries only the dropped plugins needed.

    PyInstaller resolves every collected plugin's libraries before the filters above run,
    so dropping the GTK theme leaves GTK, Cairo and Pango behind, and dropping Wayland
    leaves libQt6WaylandClient (as a link to nothing). A library at the bundle's top
    level stays only if something kept links to it (`imports` gives the names of the
    libraries a file needs), or Python loads it by name.
    """
    top = {_name(dest): (dest, src, kind) for dest, src, kind in binaries if _is_top(dest)}
    needed = {_name(dest) for dest, _, _ in binaries if _is_top(dest) and _loaded_by_name(dest)}
    queue = [src for dest, src, kind in binaries if not _is_top(dest) or _name(dest) in needed]
    seen: set[str] = set()
    while queue:
        source = queue.pop()
        if source in seen:
            continue
        seen.add(source)
        for name in imports(source):
            key = name.casefold()
            if key in top and key not in needed:
                needed.add(key)
                queue.append(top[key][1])
    return [entry for entry in binaries if not _is_top(entry[0]) or _name(entry[0]) in needed]


def _is_top(destination: str) -> bool:
    return len(_parts(destination)) == 1


def _name(destination: str) -> str:
    return _parts(destination)[-1].casefold()


def _loaded_by_name(destination: str) -> bool:
    return _name(destination).startswith(LOADED_BY_NAME)


def drop_dangling(entries: list[Entry], kept: Iterable[Entry]) -> list[Entry]:
    """Drop links to files no longer in the bundle.

    PyInstaller links each Qt library into the bundle's top level (a SYMLINK entry, in
    the binaries or the data) for every one it collected, including those the filters
    dropped; COLLECT would write them as links to nothing.
    """
    present = {PurePosixPath(dest.replace("\\", "/")) for dest, _, _ in kept}
    return [
        (dest, src, kind)
        for dest, src, kind in entries
        if kind != "SYMLINK" or _target(dest, src) in present
    ]


def _target(destination: str, link: str) -> PurePosixPath:
    parent = PurePosixPath(destination.replace("\\", "/")).parent
    parts: list[str] = list(parent.parts)
    for part in PurePosixPath(link.replace("\\", "/")).parts:
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return PurePosixPath(*parts)


def direct_imports(path: str) -> list[str]:
    """The libraries a binary names itself (not theirs in turn).

    PyInstaller's own get_imports runs ldd on Linux, which lists the whole closure as
    the build machine resolves it: the CUPS plugin would keep GnuTLS and Kerberos alive
    through the system's libcups. objdump (binutils, which PyInstaller needs on Linux
    anyway) reads just the binary's NEEDED entries; pefile and macholib already do.
    """
    if sys.platform.startswith("linux"):
        done = subprocess.run(["objdump", "-p", path], capture_output=True, text=True, check=False)
        return [
            line.split()[1]
            for line in done.stdout.splitlines()
            if line.strip().startswith("NEEDED")
        ]
    from PyInstaller.depend.bindepend import get_imports

    return [name for name, _ in get_imports(path)]
