"""The crawler asks `Archive` and never reaches through it into the catalog or the store (import-linter sees
imports only; an attribute chain like `archive.catalog.db` needs no import)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CRAWLER = Path(__file__).resolve().parent.parent / "crawler"
ARCHIVE_INSIDES = frozenset({"catalog", "_catalog", "store", "db"})


def reaches_inside(source: str) -> list[str]:
    """`name.attr` uses of the archive's insides in a module's source, with their line numbers."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in ARCHIVE_INSIDES:
            found.append(f"{node.lineno}: .{node.attr}")
    return found


def test_the_crawler_uses_only_the_archives_interface() -> None:
    uses = {
        str(path.relative_to(CRAWLER.parent)): hits
        for path in sorted(CRAWLER.rglob("*.py"))
        if (hits := reaches_inside(path.read_text(encoding="utf-8")))
    }
    assert uses == {}


@pytest.mark.parametrize(
    "source",
    [
        "for doc in archive.catalog.documents(): pass",
        "self._archive.store.versions(key)",
        "fts.search(archive.catalog.db, query)",
    ],
)
def test_the_check_sees_a_reach_inside(source: str) -> None:
    assert reaches_inside(source)
