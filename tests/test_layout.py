"""The layering holds: import-linter's contracts are kept by the tree and each of them can fail; only the CLI
prints."""

from __future__ import annotations

import ast
import configparser
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
CONTRACTS = ROOT / ".importlinter"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# One bad import per contract, (file to append it to, the module it imports, the line lint-imports must report).
# Package __init__ files are used because they outlive any reshuffle of the modules inside.
BREAKERS = {
    "crawler-layers": ("crawler/net/__init__.py", "crawler.sites", "crawler.net -> crawler.sites"),
    "archive-alone": ("archive/__init__.py", "crawler.config", "archive -> crawler.config"),
    "sites-pure": ("crawler/sites/__init__.py", "crawler.net", "crawler.sites -> crawler.net"),
    "sites-no-io": ("crawler/parse/__init__.py", "sqlite3", "crawler.parse -> sqlite3"),
    "archive-narrow": ("crawler/pipeline/__init__.py", "archive.store", "crawler.pipeline -> archive.store"),
    "net-sockets": ("crawler/pipeline/__init__.py", "socket", "crawler.pipeline -> socket"),
    "net-below": ("crawler/net/__init__.py", "crawler.pipeline", "crawler.net -> crawler.pipeline"),
    "cli-top": ("crawler/pipeline/__init__.py", "crawler.cli", "crawler.pipeline -> crawler.cli"),
}


def _contracts() -> dict[str, str]:
    """Contract id -> its name, as .importlinter declares them."""
    parser = configparser.ConfigParser()
    parser.read(CONTRACTS, encoding="utf-8")
    prefix = "importlinter:contract:"
    sections = [section for section in parser.sections() if section.startswith(prefix)]
    return {section.removeprefix(prefix): parser[section]["name"] for section in sections}


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run lint-imports on the packages under `cwd` (it puts its working folder first on sys.path)."""
    env = {**os.environ, "COLUMNS": "200"}  # one contract name a line, unwrapped
    command = [str(LINT_IMPORTS), "--no-logo", "--no-cache"]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False)


def _broken_blocks(output: str, names: dict[str, str]) -> dict[str, str]:
    """The report of each broken contract, keyed by contract id."""
    report = output.split("Broken contracts", 1)[-1]
    starts = sorted((report.find(f"\n{name}\n"), key) for key, name in names.items() if f"\n{name}\n" in report)
    ends = [start for start, _ in starts[1:]] + [len(report)]
    return {key: report[start:end] for (start, key), end in zip(starts, ends, strict=True)}


def test_the_tree_keeps_every_contract() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    kept = re.findall(r"^(.+) KEPT", result.stdout, re.M)
    assert sorted(kept) == sorted(_contracts().values())


def test_every_contract_has_a_bad_import_that_breaks_it() -> None:
    assert sorted(BREAKERS) == sorted(_contracts())


def test_each_contract_fails_on_a_bad_import(tmp_path: Path) -> None:
    for package in ("crawler", "archive"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(CONTRACTS, tmp_path / CONTRACTS.name)
    for path, module, _ in BREAKERS.values():
        with (tmp_path / path).open("a", encoding="utf-8") as file:
            file.write(f"\nimport {module}\n")
    result = _lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    names = _contracts()
    blocks = _broken_blocks(result.stdout, names)
    for key, (_, _, line) in BREAKERS.items():
        assert f"{names[key]} BROKEN" in result.stdout, key
        assert re.search(rf"^-\s+{re.escape(line)} \(l\.\d+\)$", blocks[key], re.M), (key, blocks.get(key))


@pytest.mark.parametrize("key", sorted(BREAKERS))
def test_breakers_name_files_that_exist(key: str) -> None:
    assert (ROOT / BREAKERS[key][0]).is_file()


# What reaches the terminal, by module: the standard streams and click's echoes.
_REACHES = {
    "sys": {"stdout", "stderr", "__stdout__", "__stderr__"},
    "click": {"echo", "secho", "get_text_stream", "get_binary_stream"},
}


def _printing(source: str) -> list[str]:
    """Each place in `source` that prints or reaches a standard stream, as 'line: what'."""
    found = []
    for node in ast.walk(ast.parse(source)):
        what = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
            what = "print()"
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.attr in _REACHES.get(node.value.id, ()):
                what = f"{node.value.id}.{node.attr}"
        elif isinstance(node, ast.ImportFrom) and node.module in _REACHES:
            names = sorted({alias.name for alias in node.names} & _REACHES[node.module])
            what = f"from {node.module} import {', '.join(names)}" if names else None
        if what:
            found.append(f"{node.lineno}: {what}")
    return found


@pytest.mark.parametrize(
    "source",
    [
        "print('x')",
        "import sys\nsys.stdout.write('x')",
        "import sys\nstream = sys.stderr",
        "import sys\nsys.__stdout__.flush()",
        "import click\nclick.echo('x')",
        "import click\nclick.secho('x', err=True)",
        "from click import echo",
        "from sys import stderr",
    ],
)
def test_the_print_scan_finds(source: str) -> None:
    assert _printing(source)


def test_the_print_scan_lets_logging_and_names_pass() -> None:
    source = "import logging, sys\nlogging.getLogger(__name__).info('x')\nsys.exit(1)\nstdout = b''\nprinted = 1"
    assert _printing(source) == []


def test_only_the_cli_prints() -> None:
    places = []
    for path in sorted([*(ROOT / "crawler").rglob("*.py"), *(ROOT / "archive").rglob("*.py")]):
        relative = path.relative_to(ROOT)
        if relative.parts[:2] == ("crawler", "cli"):
            continue
        places += [f"{relative}:{place}" for place in _printing(path.read_text(encoding="utf-8"))]
    assert not places, "only crawler/cli/ prints (log instead): " + "; ".join(places)


def test_every_package_and_module_says_what_it_owns() -> None:
    bare = [
        str(path.relative_to(ROOT))
        for path in sorted([*(ROOT / "crawler").rglob("*.py"), *(ROOT / "archive").rglob("*.py")])
        if not ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not bare, f"no module docstring: {bare}"


def _builtin_io(source: str) -> list[str]:
    """Each call of a builtin that does I/O (open, input, print) in `source`, as 'line: name()'."""
    return [
        f"{node.lineno}: {node.func.id}()"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"open", "input", "print"}
    ]


def test_site_definitions_open_no_file() -> None:
    # import-linter keeps I/O libraries out of sites/ and parse/; the builtins need no import, so look for them.
    assert _builtin_io("with open('x') as f:\n    input()") == ["1: open()", "2: input()"]
    places = [
        f"{path.relative_to(ROOT)}:{place}"
        for folder in ("crawler/sites", "crawler/parse")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for place in _builtin_io(path.read_text(encoding="utf-8"))
    ]
    assert not places, "site definitions and parse helpers do no I/O: " + "; ".join(places)


def test_readme_layout_names_every_part() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tree = readme.split("\nLayout (", 1)[1].split("```\n", 1)[1].split("```", 1)[0]
    parts = [
        f"{path.name}/" if path.is_dir() else path.name
        for folder in ("crawler", "archive")
        for path in sorted((ROOT / folder).iterdir())
        if (path.is_dir() and (path / "__init__.py").exists())
        or (path.suffix == ".py" and not path.stem.startswith("__"))
    ]
    missing = [part for part in parts if not re.search(rf"(?<![\w/.]){re.escape(part)}", tree)]
    assert not missing, f"README's layout tree does not name: {missing}"


MODULE_LINES = 300
FUNCTION_LINES = 40
# Over the habit's limits (STYLE.md 13), each with its reason; a part brought under the limit leaves this list.
LARGE = {
    # A tokenizer's one loop, a branch per token kind; split, its position bookkeeping would be spread out.
    "archive/search/query.py::tokens": 41,
}


def _sizes(root: Path) -> dict[str, int]:
    """Lines of every module over MODULE_LINES and every function over FUNCTION_LINES in crawler/ and archive/."""
    found = {}
    for path in sorted([*(root / "crawler").rglob("*.py"), *(root / "archive").rglob("*.py")]):
        relative, text = path.relative_to(root).as_posix(), path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MODULE_LINES:
            found[relative] = len(text.splitlines())
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > FUNCTION_LINES:
                    found[f"{relative}::{node.name}"] = length
    return found


def test_modules_and_functions_are_small_or_say_why() -> None:
    sizes = _sizes(ROOT)
    grown = {name: lines for name, lines in sizes.items() if lines > LARGE.get(name, 0)}
    assert not grown, f"over {MODULE_LINES} lines a module or {FUNCTION_LINES} a function (split it): {grown}"
    shrunk = sorted(set(LARGE) - set(sizes))
    assert not shrunk, f"now within the limits: remove from LARGE in tests/test_layout.py: {shrunk}"
