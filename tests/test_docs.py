"""README.md documents every command and option, and .ci/run runs the README's test command."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click

from crawler.cli import cli

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_and_option_is_in_readme() -> None:
    missing = [opt for param in cli.params for opt in param.opts if opt.startswith("--") and opt not in README]
    assert isinstance(cli, click.Group)
    for name, command in cli.commands.items():
        if f"pressroom {name}" not in README:
            missing.append(f"pressroom {name}")
        for param in command.params:
            if isinstance(param, click.Option):
                missing += [opt for opt in param.opts if opt.startswith("--") and opt not in README]
    assert not missing, f"README.md does not mention: {missing}"


def test_readme_starts_with_install_crawl_and_test_commands() -> None:
    block = README.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
    assert "pressroom crawl" in block[0]
    assert "pytest" in block[1]
    assert block[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_site_names_are_unique() -> None:
    from crawler.sites import SITES, resolve

    names = [name for site in SITES.values() for name in (site.name, *site.aliases)]
    assert len(names) == len(set(names))
    for site in SITES.values():
        assert resolve(site.name.upper()) is site
        for alias in site.aliases:
            assert resolve(alias) is site


def test_every_reliability_promise_names_tests_that_exist() -> None:
    section = README.split("## Reliability", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| promise")]
    assert len(rows) > 20
    defined: dict[str, set[str]] = {}
    for row in rows:
        named = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", row.rsplit("|", 2)[1])
        assert named, f"a promise names no test: {row[:80]}"
        for path, name in named:
            if path not in defined:
                tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
                defined[path] = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
            assert name in defined[path], f"README names {path}::{name}, which does not exist"
