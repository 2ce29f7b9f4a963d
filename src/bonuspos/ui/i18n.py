"""The screens' other languages: Qt Linguist files regenerated from the code, then built.

    python -m bonuspos.ui.i18n update   # tr() texts into resources/i18n/bonuspos_<lang>.ts
    python -m bonuspos.ui.i18n build    # pyside6-lrelease: each .ts into its .qm

`update` keeps every translation already made; a text the code no longer has stays in the
.ts as `vanished` (`--no-obsolete` drops those) and a new one comes in `unfinished`, for Qt
Linguist or an editor. Qt's own lupdate is no help here: it finds the plain `tr()` of
`bonuspos.ui.texts` but files it under an empty context, and misses the texts that are
translated at use (`tr(c) for c in COLUMNS`), which this extraction follows. The tests
(tests/ui/test_language.py) run the same extraction: every text translated, the .qm built.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import PySide6

from bonuspos import paths
from bonuspos.ui import app, texts

SOURCE_LANGUAGE = "ru"
UI_DIR = Path(__file__).resolve().parent
DEFAULT_CONTEXT: str = inspect.signature(texts.tr).parameters["context"].default
# Where a text came from: the file, and the string constant's line and column.
Place = tuple[Path, int, int]


@dataclass
class Extraction:
    """Every text the code hands to tr(), by (context, source), with where each one is."""

    messages: dict[tuple[str, str], list[Place]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # tr() calls no one can translate

    def marked(self) -> set[Place]:
        return {place for places in self.messages.values() for place in places}


def languages() -> list[str]:
    return [language for language in app.LANGUAGES if language != SOURCE_LANGUAGE]


def ts_file(language: str) -> Path:
    return paths.resources_dir() / "i18n" / f"bonuspos_{language}.ts"


def qm_file(language: str) -> Path:
    return ts_file(language).with_suffix(".qm")


# --- what the code translates ---------------------------------------------------------------


def extract(folder: Path = UI_DIR) -> Extraction:
    found = Extraction()
    for path in sorted(folder.glob("*.py")):
        _extract_file(path, found)
    return found


def _extract_file(path: Path, found: Extraction) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    listed = _string_tuples(tree)
    for call in ast.walk(tree):
        if not (isinstance(call, ast.Call) and _is_tr(call.func) and call.args):
            continue
        where = f"{path.name}:{call.lineno}"
        context = _context(call)
        if context is None:
            found.problems.append(f"{where}: tr() with a context that is not a literal")
            continue
        text = call.args[0]
        if isinstance(text, ast.Constant) and isinstance(text.value, str):
            constants = [text]
        elif isinstance(text, ast.Name) and (loop := _loop_over(text, parents)) in listed:
            constants = listed[loop]  # translated at use: tr(c) for c in COLUMNS
        else:
            found.problems.append(f"{where}: tr() of {ast.unparse(text)}, not a literal")
            continue
        for constant in constants:
            place = (path, constant.lineno, constant.col_offset)
            found.messages.setdefault((context, str(constant.value)), []).append(place)


def _is_tr(func: ast.expr) -> bool:
    # Only texts.tr: Qt's own self.tr() would look its text up under the class's name.
    return isinstance(func, ast.Name) and func.id == "tr"


def _context(call: ast.Call) -> str | None:
    given = [k.value for k in call.keywords if k.arg == "context"] + call.args[1:2]
    if not given:
        return DEFAULT_CONTEXT
    context = given[0]
    if isinstance(context, ast.Constant) and isinstance(context.value, str):
        return context.value
    return None


def _string_tuples(tree: ast.Module) -> dict[str, list[ast.Constant]]:
    """Module-level `NAME = ("…", "…")`: texts that may be translated where they are used."""
    listed = {}
    for statement in tree.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Tuple | ast.List)
            and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str)
                for e in statement.value.elts
            )
        ):
            listed[statement.targets[0].id] = [
                e for e in statement.value.elts if isinstance(e, ast.Constant)
            ]
    return listed


def _loop_over(name: ast.Name, parents: dict[ast.AST, ast.AST]) -> str | None:
    """The module-level name a loop or comprehension around `name` takes it from."""
    node: ast.AST | None = name
    while node is not None:
        loops: list[ast.For | ast.comprehension] = []
        if isinstance(node, ast.For):
            loops = [node]
        elif isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            loops = list(node.generators)
        for loop in loops:
            if isinstance(loop.target, ast.Name) and loop.target.id == name.id:
                return loop.iter.id if isinstance(loop.iter, ast.Name) else None
        node = parents.get(node)
    return None


# --- the .ts files ----------------------------------------------------------------------------


@dataclass
class Translation:
    text: str
    kind: str  # "" (finished), "unfinished", "vanished" or "obsolete", as Qt Linguist writes

    @property
    def finished(self) -> bool:
        return self.kind == "" and bool(self.text)


def read_ts(path: Path) -> dict[tuple[str, str], Translation]:
    if not path.exists():
        return {}
    read = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            text = (translation.text or "") if translation is not None else ""
            kind = translation.get("type", "") if translation is not None else "unfinished"
            read[(name, message.findtext("source") or "")] = Translation(text, kind)
    return read


def update(language: str, found: Extraction, *, keep_vanished: bool = True) -> tuple[int, int]:
    """Merge the code's texts into the language's .ts; how many are new, how many to translate."""
    path = ts_file(language)
    old = read_ts(path)
    live: dict[str, list[str]] = {}
    for context, source in sorted(found.messages, key=lambda m: min(found.messages[m])):
        live.setdefault(context, []).append(source)
    gone = [m for m, was in old.items() if m not in found.messages and was.text]
    if not keep_vanished:
        gone = []
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        "<!DOCTYPE TS>",
        f'<TS version="2.1" language="{language}" sourcelanguage="{SOURCE_LANGUAGE}">',
    ]
    to_do = 0
    for context in sorted(set(live) | {c for c, _ in gone}):
        out += ["<context>", f"    <name>{_escape(context)}</name>"]
        for source in live.get(context, []):
            was = old.get((context, source), Translation("", "unfinished"))
            if not was.text:
                kind = "unfinished"
            elif was.kind in ("vanished", "obsolete"):
                kind = ""  # back in the code: the translation made before holds again
            else:
                kind = was.kind
            to_do += kind == "unfinished"
            places = [_location(place, path) for place in found.messages[(context, source)]]
            out += _message(source, was.text, kind, places)
        for ctx, source in gone:
            if ctx == context:
                out += _message(source, old[(ctx, source)].text, "vanished", [])
        out.append("</context>")
    out.append("</TS>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return sum(1 for m in found.messages if m not in old), to_do


def _message(source: str, text: str, kind: str, locations: list[str]) -> list[str]:
    kind_attr = f' type="{kind}"' if kind else ""
    return [
        "    <message>",
        *(f"        {location}" for location in locations),
        f"        <source>{_escape(source)}</source>",
        f"        <translation{kind_attr}>{_escape(text)}</translation>",
        "    </message>",
    ]


def _location(place: Place, ts: Path) -> str:
    path, line, _ = place
    filename = Path(os.path.relpath(path, ts.parent)).as_posix()
    return f'<location filename="{_escape(filename)}" line="{line}"/>'


def _escape(text: str) -> str:
    for raw, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        text = text.replace(raw, entity)
    return text.replace("'", "&apos;")


# --- the .qm files ----------------------------------------------------------------------------


def lrelease_command(ts: Path, qm: Path) -> list[str]:
    """What pyside6-lrelease runs: the lrelease that comes with PySide6."""
    tool = Path(PySide6.__file__).resolve().parent / "lrelease"
    return [os.fspath(tool), "-silent", os.fspath(ts), "-qm", os.fspath(qm)]


def build(ts: Path, qm: Path) -> None:
    subprocess.run(lrelease_command(ts, qm), check=True)


# --- the command ------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bonuspos.ui.i18n", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    updating = commands.add_parser("update", help="the code's texts into the .ts files")
    updating.add_argument("--no-obsolete", action="store_true", help="drop vanished texts")
    commands.add_parser("build", help="each .ts into its .qm (lrelease)")
    args = parser.parse_args(argv)
    if args.command == "update":
        found = extract()
        if found.problems:
            print("cannot extract:", *found.problems, sep="\n  ", file=sys.stderr)
            return 1
        for language in languages():
            new, unfinished = update(language, found, keep_vanished=not args.no_obsolete)
            print(
                f"{ts_file(language)}: {len(found.messages)} texts, {new} new, {unfinished} to do"
            )
        return 0
    for language in languages():
        build(ts_file(language), qm_file(language))
        print(qm_file(language))
    return 0


if __name__ == "__main__":
    sys.exit(main())
