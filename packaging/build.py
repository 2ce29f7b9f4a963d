"""Build the till's one-folder bundle for store PCs: `python packaging/build.py`.

Writes, under --dist (default dist/):
  bonuspos/                                the bundle (`bonuspos/bonuspos` starts the till)
  bonuspos-<version>-linux-x86_64.tar.gz   on Linux: the bundle, a .desktop entry, INSTALL.txt
  BUILD-INFO.txt                           version, sizes, SHA-256 checksums

On Linux the build fails when Qt's xcb platform plugin (the till's screens on an X
desktop) cannot find a library it links to: PyInstaller bundles what it finds on the
build machine and quietly leaves out what it does not, and such a bundle aborts on the
store PC with "could not load the Qt platform plugin xcb". `--no-xcb-check` is for
builds that only ever run headless (CI).

A script, not `python -m packaging.build`: a package named `packaging` here would
shadow the PyPI `packaging` library that pip and setuptools import.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bundle_contents import direct_imports  # this folder is the script's: sys.path[0]

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "bonuspos.spec"
NAME = "bonuspos"

# The Debian/Ubuntu package of each library the bundle takes from the PC (see
# bundle_contents.SYSTEM_LIBS and PyInstaller's own exclusions), for the install note
# and the failure message. A library not listed here is named as is.
DEBIAN_PACKAGES = {
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libGLX.so.0": "libglx0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libcups.so.2": "libcups2",
    "libglib-2.0.so.0": "libglib2.0-0",
}
# The C library and its companions: every Linux has them, and they must be the PC's.
BASE_SYSTEM = re.compile(
    r"^(ld-linux.*|linux-vdso.*|libc|libm|libdl|libpthread|librt|libresolv|libutil)\.so"
)


@dataclass(frozen=True)
class Built:
    version: str
    folder: Path
    tarball: Path | None
    info: Path
    seconds: float


class BuildFailed(RuntimeError):
    """The bundle would not run on a store PC, or PyInstaller failed: nothing to ship."""


def version() -> str:
    """bonuspos.__version__, read from the source so the build needs no import of the app."""
    text = (ROOT / "src" / "bonuspos" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if found is None:
        raise BuildFailed("src/bonuspos/__init__.py has no __version__")
    return found.group(1)


def run_pyinstaller(dist: Path, work: Path) -> Path:
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        str(SPEC),
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist),
        "--workpath",
        str(work),
    ]
    done = subprocess.run(command, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise BuildFailed(f"PyInstaller failed ({done.returncode})")
    return dist / NAME


# --- the libraries the PC must have ------------------------------------------------------


def internal_dirs(folder: Path) -> list[Path]:
    """Where the bundle's libraries are: the loader finds them by RUNPATH or beside the exe."""
    internal = folder / "_internal"
    return [internal, internal / "PySide6" / "Qt" / "lib", internal / "PySide6"]


def ldd(binary: Path, folder: Path) -> dict[str, str | None]:
    """Each library `binary` needs (all the way down) → where it resolves, None if nowhere.

    LD_LIBRARY_PATH stands in for the bootloader, which puts the bundle first.
    """
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = os.pathsep.join(str(d) for d in internal_dirs(folder))
    done = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, env=env)
    found: dict[str, str | None] = {}
    for line in done.stdout.splitlines():
        name, arrow, where = line.strip().partition(" => ")
        if not arrow:
            continue
        target = where.split(" (")[0].strip()
        found[name] = None if target == "not found" else target
    return found


def xcb_plugin(folder: Path) -> Path:
    plugin = folder / "_internal" / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.is_file():
        raise BuildFailed(f"the bundle has no xcb platform plugin: {plugin}")
    return plugin


def check_xcb(folder: Path) -> None:
    """Fail with the missing libraries' packages if Qt's xcb plugin cannot load."""
    missing = sorted(name for name, where in ldd(xcb_plugin(folder), folder).items() if not where)
    if missing:
        packages = " ".join(sorted({DEBIAN_PACKAGES.get(name, name) for name in missing}))
        raise BuildFailed(
            "Qt's xcb platform plugin needs libraries this machine lacks, so the bundle"
            f" could not include them: {', '.join(missing)}.\n"
            f"Install them and build again:  sudo apt-get install -y {packages}\n"
            "(or --no-xcb-check for a bundle that only ever runs headless)"
        )


def system_libraries(folder: Path) -> list[str]:
    """The libraries the bundle's binaries name that the bundle does not carry.

    Only those named directly: the PC's libcups brings its own GnuTLS and Kerberos, and
    installing its package brings them too.
    """
    internal = folder / "_internal"
    files = [p for p in internal.rglob("*") if p.is_file() and not p.is_symlink()]
    carried = {p.name for p in internal.rglob("*")}
    elf = [folder / NAME, *(p for p in files if _is_elf(p))]
    needed = {name for binary in elf for name in direct_imports(str(binary))}
    return sorted(n for n in needed - carried if not BASE_SYSTEM.match(n))


def _is_elf(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(4) == b"\x7fELF"


# --- what is shipped ------------------------------------------------------------------


DESKTOP = """[Desktop Entry]
Type=Application
Name=BonusPOS
Name[ru]=Касса BonusPOS
Comment=Касса программы «Любимый покупатель»
Exec=/opt/bonuspos/bonuspos
Path=/opt/bonuspos
Terminal=false
Categories=Office;Finance;
StartupNotify=true
"""

INSTALL = """BonusPOS {version}: the till for Linux store PCs (x86-64)

Install (as root), then connect the till to the server and check it:

    tar -xzf bonuspos-{version}-linux-x86_64.tar.gz -C /opt
    sudo apt-get install -y {packages}
    cp /opt/bonuspos/bonuspos.desktop /usr/share/applications/
    /opt/bonuspos/bonuspos configure --server https://SERVER --store STORE --till TILL \\
        --token-file TOKEN.txt
    /opt/bonuspos/bonuspos self-test

The folder is self-contained (Python, Qt, the demo catalog, the translations, the
database migrations) except for the PC's own libraries above: the X11/xcb libraries
Qt draws with, fonts (fontconfig), D-Bus and, for the `system` printer, CUPS.
Every user who runs the till keeps the database in their own data folder
(~/.local/share/BonusPOS) unless --data-dir or BONUSPOS_DATA_DIR says otherwise.
To upgrade, replace /opt/bonuspos with the new folder; the database is migrated at the
first start. `bonuspos --version` says which version is installed.
"""


def packages_for(libraries: Iterable[str]) -> list[str]:
    return sorted({DEBIAN_PACKAGES.get(name, name) for name in libraries})


def write_tarball(folder: Path, dist: Path, release: str, libraries: Sequence[str]) -> Path:
    """The bundle under `bonuspos/` with its .desktop entry and install note."""
    (folder / "bonuspos.desktop").write_text(DESKTOP, encoding="utf-8")
    packages = " ".join(packages_for(libraries)) or "(nothing beyond the base system)"
    note = INSTALL.format(version=release, packages=packages)
    (folder / "INSTALL.txt").write_text(note, encoding="utf-8")
    tarball = dist / f"{NAME}-{release}-linux-{platform.machine()}.tar.gz"
    with tarfile.open(tarball, "w:gz", compresslevel=9) as archive:
        archive.add(folder, arcname=NAME)
    return tarball


def folder_bytes(folder: Path) -> int:
    """The sum of the files' sizes (what is copied), links not counted twice."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def folder_sha256(folder: Path) -> str:
    """One checksum for the folder: its files' relative paths and contents, in order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        if path.is_symlink():
            digest.update(b"->" + os.readlink(path).encode())
        else:
            digest.update(bytes.fromhex(sha256(path)))
    return digest.hexdigest()


def mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB ({size:,} bytes)"


def write_info(built: Built, libraries: Sequence[str], xcb_checked: bool) -> None:
    size = folder_bytes(built.folder)
    lines = [
        f"BonusPOS {built.version}",
        f"built {time.strftime('%Y-%m-%d %H:%M:%S %Z')} on {platform.platform()}",
        f"Python {platform.python_version()}, {_versions()}",
        f"build time: {built.seconds:.0f} s",
        "",
        f"folder  {built.folder.name}/: {mb(size)}",
        f"        SHA-256 of its files (paths and contents): {folder_sha256(built.folder)}",
    ]
    if built.tarball is not None:
        lines += [
            f"tarball {built.tarball.name}: {mb(built.tarball.stat().st_size)}",
            f"        SHA-256: {sha256(built.tarball)}",
        ]
    escpos = "included" if (built.folder / "_internal" / "escpos").is_dir() else "NOT included"
    lines += [
        "",
        f"ESC/POS receipt printers (python-escpos): {escpos}",
        f"xcb libraries checked: {'yes' if xcb_checked else 'no (--no-xcb-check)'}",
    ]
    if libraries:
        lines += ["libraries taken from the PC:", *(f"  {name}" for name in libraries)]
    built.info.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    found = []
    for package in ("pyinstaller", "PySide6-Essentials", "SQLAlchemy", "alembic"):
        try:
            found.append(f"{package} {installed(package)}")
        except PackageNotFoundError:
            found.append(f"{package} missing")
    return ", ".join(found)


def build(dist: Path, *, xcb_check: bool = True, work: Path | None = None) -> Built:
    started = time.perf_counter()
    release = version()
    dist.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bonuspos-build-") as scratch:
        folder = run_pyinstaller(dist, work or Path(scratch))
    linux = sys.platform.startswith("linux")
    if linux and xcb_check:
        check_xcb(folder)
    libraries = system_libraries(folder) if linux else []
    tarball = None
    for old in dist.glob(f"{NAME}-*.tar.gz"):
        old.unlink()
    if linux:
        tarball = write_tarball(folder, dist, release, libraries)
    built = Built(release, folder, tarball, dist / "BUILD-INFO.txt", time.perf_counter() - started)
    write_info(built, libraries, xcb_checked=linux and xcb_check)
    return built


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument("--work", type=Path, help="PyInstaller's work folder (a temporary one)")
    parser.add_argument(
        "--no-xcb-check",
        action="store_true",
        help="skip the check of Qt's xcb libraries (a bundle only ever run headless)",
    )
    args = parser.parse_args(argv)
    if shutil.which("objdump") is None and sys.platform.startswith("linux"):
        print("build.py: objdump is missing (apt-get install binutils)", file=sys.stderr)
        return 2
    try:
        built = build(args.dist.resolve(), xcb_check=not args.no_xcb_check, work=args.work)
    except BuildFailed as failed:
        print(f"build.py: {failed}", file=sys.stderr)
        return 1
    print(built.info.read_text(encoding="utf-8"), end="")
    print(f"Start it: {built.folder / NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
