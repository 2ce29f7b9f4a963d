"""What the spec keeps of PySide6 and the libraries it brings, and build.py's xcb check."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.packaging.support import ROOT, load

contents = load("bundle_contents")
build = load("build")


def test_the_screens_import_only_the_qt_modules_the_bundle_keeps() -> None:
    imported = set()
    for path in (ROOT / "src").rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            words = line.split()
            if words[:1] in (["from"], ["import"]) and words[1].startswith("PySide6.Qt"):
                imported.add(words[1].split(".")[1])
    assert imported <= contents.QT_MODULES_USED
    assert not set(contents.unused_qt_modules()) & {f"PySide6.{m}" for m in imported}


@pytest.mark.parametrize(
    ("destination", "kept"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6\\Qt\\plugins\\platforms\\qwindows.dll", True),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", False),
        ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", True),
        ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
        ("PySide6/Qt/lib/libQt6Network.so.6", False),
        ("PySide6/Qt/lib/libQt6Quick.so.6", False),
        ("PySide6/Qt/lib/libicudata.so.73", True),
        ("libcups.so.2", False),
        ("libfontconfig.so.1", False),
        ("libssl.so.3", True),
    ],
)
def test_binaries_kept(destination: str, kept: bool) -> None:
    assert contents.keep_binary(destination) is kept


def test_no_translation_of_qt_itself_is_shipped() -> None:
    assert not contents.keep_data("PySide6/Qt/translations/qtbase_ru.qm")
    assert contents.keep_data("tzdata/zoneinfo/Europe/Minsk")
    assert not contents.keep_data("tzdata/zoneinfo/Europe/Moscow")  # Minsk days only


def test_a_library_only_a_dropped_plugin_needed_goes_too() -> None:
    binaries = [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/q/libqxcb.so", "BINARY"),
        ("libxcb-cursor.so.0", "/s/libxcb-cursor.so.0", "BINARY"),
        ("libxcb-util.so.1", "/s/libxcb-util.so.1", "BINARY"),
        ("libgtk-3.so.0", "/s/libgtk-3.so.0", "BINARY"),  # the dropped GTK theme's
        ("libcairo.so.2", "/s/libcairo.so.2", "BINARY"),  # needed by GTK only
        ("libpython3.11.so.1.0", "/p/libpython3.11.so.1.0", "BINARY"),  # loaded by name
    ]
    needs = {
        "/q/libqxcb.so": ["libxcb-cursor.so.0", "libc.so.6"],
        "/s/libxcb-cursor.so.0": ["libxcb-util.so.1"],
        "/s/libgtk-3.so.0": ["libcairo.so.2"],
    }
    kept = contents.prune_orphans(binaries, lambda source: needs.get(source, []))
    assert [dest for dest, _, _ in kept] == [
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "libxcb-cursor.so.0",
        "libxcb-util.so.1",
        "libpython3.11.so.1.0",
    ]


def test_links_to_dropped_libraries_are_dropped() -> None:
    kept_lib = ("PySide6/Qt/lib/libQt6Gui.so.6", "/q/libQt6Gui.so.6", "BINARY")
    links = [
        ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
        ("libQt6Network.so.6", "PySide6/Qt/lib/libQt6Network.so.6", "SYMLINK"),
    ]
    assert contents.drop_dangling(links, [kept_lib, *links]) == links[:1]


def test_a_missing_xcb_library_fails_the_build_with_its_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugin = tmp_path / "_internal/PySide6/Qt/plugins/platforms/libqxcb.so"
    plugin.parent.mkdir(parents=True)
    plugin.write_bytes(b"\x7fELF")
    resolved = {"libxcb-cursor.so.0": None, "libQt6Gui.so.6": "/b/libQt6Gui.so.6"}
    monkeypatch.setattr(build, "ldd", lambda binary, folder: resolved)
    with pytest.raises(build.BuildFailed, match=r"libxcb-cursor\.so\.0") as failed:
        build.check_xcb(tmp_path)
    assert "apt-get install -y libxcb-cursor0" in str(failed.value)
    resolved["libxcb-cursor.so.0"] = "/usr/lib/libxcb-cursor.so.0"
    build.check_xcb(tmp_path)  # everything found: no error


def test_the_build_entry_is_a_script_never_a_package() -> None:
    # `import packaging` must stay the PyPI library for pip and setuptools.
    assert not (ROOT / "packaging" / "__init__.py").exists()
    import packaging

    assert "site-packages" in str(packaging.__file__)
