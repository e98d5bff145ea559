"""What a scheduled run and a reader do must not grow with the whole archive: indexes, not scans."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.catalog import Catalog
from archive.document import format_captured, format_published
from archive.recorder import Archive
from archive.rows import DocumentRow
from crawler.cli import cli
from crawler.pipeline import revisit

NOW = datetime(2026, 11, 29, 12, 0, 0, tzinfo=UTC)
AGES = (2, 40, 400, 4000)  # days: one for each step of the revisit schedule


def _row(i: int, rng: random.Random) -> DocumentRow:
    """A document of random age, time zone, last visit (on the hour, so that some tie) and status."""
    published_at = NOW - timedelta(seconds=rng.uniform(0, 86400 * rng.choice(AGES)))
    published: date | datetime = published_at.date()
    if rng.random() < 0.5:
        published = published_at.astimezone(timezone(timedelta(hours=rng.choice((3, 9, -5))))).replace(microsecond=0)
    visited = max(published_at, (NOW - timedelta(seconds=rng.uniform(0, 86400 * 60))).replace(minute=0, second=0))
    status = "withdrawn" if rng.random() < 0.05 else "active"
    seen = format_captured(visited)
    return DocumentRow(
        f"mofa.go.kr/m_5676/{i}", "mofa.go.kr", "m_5676", str(i), "en", f"https://example.invalid/{i}", "t",
        format_published(published), 1, 1, status, 0, None, None, format_captured(published_at), seen, seen,
    )  # fmt: skip


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    rng = random.Random(19)
    with catalog.transaction():
        for i in range(3000):
            catalog.upsert_document(_row(i, rng))
    yield catalog
    catalog.close()


@pytest.mark.parametrize("limit", [None, 100, 7, 0])
def test_due_from_the_index_is_what_the_schedule_says(catalog: Catalog, limit: int | None) -> None:
    """The indexed selection picks the same documents, in the same order, as the schedule over every row."""
    every = revisit.due(list(catalog.documents()), NOW, limit)
    count, chosen = due_in(catalog, limit)
    assert count == len(revisit.due(list(catalog.documents()), NOW, None)) > 1000
    assert [d.key for d in chosen] == [d.key for d in every]


def test_status_and_revisits_do_not_read_every_document(
    tmp_path: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`status` counts and `crawl` chooses its revisits in the catalog's indexes, not by loading each row."""
    expected_due = len(revisit.due(list(catalog.documents()), datetime.now(UTC), None))

    def every_document(*args: object, **kwargs: object) -> Iterator[DocumentRow]:
        raise AssertionError("read every document")

    monkeypatch.setattr(Catalog, "documents", every_document)
    result = CliRunner().invoke(cli, ["--archive", str(tmp_path), "status"])
    assert result.exit_code == 0, result.output
    assert f"\n    3000 documents ({_withdrawn(tmp_path)} withdrawn), {expected_due} due now" in result.output
    count, chosen = due_in(catalog, 100)
    assert len(chosen) == 100 < count


def due_in(catalog: Catalog, limit: int | None) -> tuple[int, list[DocumentRow]]:
    """The crawler's choice of mofa.go.kr's due documents at NOW, asked of the archive that holds `catalog`."""
    archive = Archive(catalog.path.parent)
    try:
        return revisit.due_in(archive, "mofa.go.kr", NOW, limit)
    finally:
        archive.close()


def _withdrawn(root: Path) -> int:
    catalog = Catalog(root / "catalog.sqlite")
    try:
        return int(catalog.db.execute("SELECT count(*) FROM documents WHERE status = 'withdrawn'").fetchone()[0])
    finally:
        catalog.close()


@pytest.mark.parametrize(
    ("sql", "args"),
    [
        ("SELECT id FROM observations WHERE key IS NOT NULL AND kind IN (?, ?) AND at >= ? ORDER BY id DESC",
         ("changed", "withdrawn", "2026-01-01")),
        ("SELECT id FROM observations WHERE key IS NOT NULL AND kind IN (?, ?) ORDER BY id DESC",
         ("changed", "withdrawn")),
    ],
)  # fmt: skip
def test_changes_find_their_events_by_index(catalog: Catalog, sql: str, args: tuple[str, ...]) -> None:
    """`changes` reads the few events it lists, not every visit ever recorded."""
    plan = " / ".join(row[3] for row in catalog.db.execute("EXPLAIN QUERY PLAN " + sql, args))
    assert "USING INDEX observations_kind" in plan, plan
