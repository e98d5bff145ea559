"""The moves journal of the key-layout carry-over survives a line torn by a kill."""

from __future__ import annotations

from pathlib import Path

from archive import migrate
from archive.log import LOG_DIR


def test_a_move_journalled_after_a_torn_line_is_not_lost(tmp_path: Path) -> None:
    source = tmp_path / "mid.ru" / "foreign_policy.news" / "1" / "en"
    source.mkdir(parents=True)
    (source / "001_0123456789abcdef.txt").write_text("x\n", encoding="utf-8")
    journal = tmp_path / LOG_DIR / migrate.JOURNAL
    journal.parent.mkdir(parents=True)
    journal.write_text('{"event": "move", "from": "mid.ru/foreign_policy.news/9/en", "to"', encoding="utf-8")
    assert migrate.move(tmp_path, "mid.ru/foreign_policy.news/1/en", "mid.ru/id/1/en", "2026-11-30T00:00:00Z")
    assert migrate.moved(tmp_path).get("mid.ru/foreign_policy.news/1/en") == "mid.ru/id/1/en"
    assert (tmp_path / "mid.ru" / "id" / "1" / "en" / "001_0123456789abcdef.txt").exists()
