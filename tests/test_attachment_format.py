"""The `Attachment:` line of a version file (and the old `Attachments:` line), how two versions' attachments
compare, files/ by hash, and the catalog's rows rebuilt by `reindex`."""

from __future__ import annotations

import errno
import os
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from archive.attachment import Attachment, changes, fill_in, parse_line, relation
from archive.document import Release, Version, parse_version
from archive.errors import ArchiveError
from archive.recorder import Archive
from archive.store import Store

H1, H2 = "1" * 64, "2" * 64
URL = "https://www.mofa.go.kr/eng/brd/m_5676/down.do?seq=1&file_seq=1"


@pytest.mark.parametrize(
    "attachment, line",
    [
        (Attachment("a.pdf", URL, H1), f"a.pdf <{URL}> sha256:{H1}"),
        (
            Attachment("a b <draft>.hwp", URL).failed("HTTP 404: <gone>"),
            f"a b <draft>.hwp <{URL}> not stored: HTTP 404: ‹gone›",
        ),
        (Attachment("a.pdf", URL), f"a.pdf <{URL}>"),
        (Attachment("a.pdf"), "a.pdf"),
        (Attachment("file <x>.pdf"), "file <x>.pdf"),  # no URL: the whole value is the name
    ],
)
def test_a_line_round_trips(attachment: Attachment, line: str) -> None:
    assert attachment.line() == line
    assert parse_line(line) == attachment


def test_a_url_with_spaces_or_brackets_is_encoded_in_the_version() -> None:
    release = _release(Attachment("Annex 1.pdf", "https://x.example/files/Annex 1<a>.pdf"))
    text = Version(release, datetime(2026, 1, 1, tzinfo=UTC)).render()
    assert "Attachment: Annex 1.pdf <https://x.example/files/Annex%201%3Ca%3E.pdf>\n" in text
    assert parse_version(text, source="t").release.attachments == release.normalized().attachments


def test_an_old_version_file_with_names_only_still_reads() -> None:
    text = Version(_release(), datetime(2026, 1, 1, tzinfo=UTC)).render()
    old = text.replace(
        "Captured: 2026-01-01T00:00:00Z\n", "Captured: 2026-01-01T00:00:00Z\nAttachments: a.pdf | b.hwp\n"
    )
    assert parse_version(old, source="old").release.attachments == (Attachment("a.pdf"), Attachment("b.hwp"))


def test_attachments_are_outside_the_content_hash() -> None:
    assert _release(Attachment("a.pdf", URL, H1)).sha256() == _release().sha256()


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ((Attachment("a.pdf", URL, H1),), (Attachment("a.pdf", URL, H1),), "same"),
        ((Attachment("a.pdf", URL, H1),), (Attachment("a.pdf", URL, H2),), "changed"),
        ((Attachment("a.pdf", URL, H1),), (Attachment("b.pdf", URL, H1),), "changed"),  # renamed
        ((Attachment("a.pdf", URL, H1),), (), "changed"),  # removed
        ((), (Attachment("a.pdf", URL, H1),), "changed"),  # added
        ((Attachment("a.pdf"),), (Attachment("a.pdf", URL, H1),), "more"),  # an old archive's names only
        ((Attachment("a.pdf", URL).failed("HTTP 503"),), (Attachment("a.pdf", URL, H1),), "more"),  # stored at last
        ((Attachment("a.pdf", URL, H1),), (Attachment("a.pdf", URL).failed("HTTP 503"),), "same"),  # nothing learnt
        ((Attachment("a.pdf", URL).failed("HTTP 404"),), (Attachment("a.pdf", URL).failed("HTTP 503"),), "same"),
    ],
)
def test_relation(old: tuple[Attachment, ...], new: tuple[Attachment, ...], expected: str) -> None:
    assert relation(old, new) == expected


def test_fill_in_keeps_a_hash_a_failed_fetch_did_not_bring() -> None:
    old = (Attachment("a.pdf", URL, H1),)
    assert fill_in(old, (Attachment("a.pdf", URL).failed("HTTP 503"),)) == old


def test_changes_list_each_file_by_name() -> None:
    old = (Attachment("a.pdf", URL, H1), Attachment("b.pdf", URL, H1))
    new = (Attachment("a.pdf", URL, H2), Attachment("c.pdf", URL, H1))
    assert changes(old, new) == [
        ("Attachment", f"a.pdf <{URL}> sha256:{H1}", f"a.pdf <{URL}> sha256:{H2}"),
        ("Attachment", f"b.pdf <{URL}> sha256:{H1}", ""),
        ("Attachment", "", f"c.pdf <{URL}> sha256:{H1}"),
    ]


def test_a_file_is_stored_once_by_its_hash(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    first = archive.store_attachment(b"%PDF one")
    path = archive.attachment_file(first)
    assert path is not None and path.read_bytes() == b"%PDF one"
    assert path.relative_to(tmp_path).as_posix() == f"files/{first[:2]}/{first}"
    inode = path.stat().st_ino
    assert archive.store_attachment(b"%PDF one") == first
    assert path.stat().st_ino == inode  # not written again, never replaced
    assert [p.name for p in (tmp_path / "files").rglob("*") if p.is_file()] == [first]


def test_a_full_disk_stores_no_torn_file(tmp_path: Path) -> None:
    def full(fd: int, data: memoryview) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    archive = Archive(tmp_path, store=Store(tmp_path, write_file=full))
    with pytest.raises(ArchiveError, match=r"cannot write .*files/.*No space left on device"):
        archive.store_attachment(b"%PDF one")
    assert [p for p in (tmp_path / "files").rglob("*") if p.is_file()] == []


def test_reindex_rebuilds_the_rows_and_names_a_missing_file(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    digest = archive.store_attachment(b"%PDF one")
    with archive.writing():
        archive.record(_release(Attachment("a.pdf", URL, digest), Attachment("b.pdf", URL, H2)))
        report = archive.reindex()
    assert report.problems == [f"mofa.go.kr/m_5676/1 v1: attachment 'b.pdf' ({H2[:16]}…) is not under files/"]
    rows = archive.attachments("mofa.go.kr/m_5676/1")
    assert [(r.version, r.position, r.name, r.sha256, r.size) for r in rows] == [
        (1, 1, "a.pdf", digest, 8),
        (1, 2, "b.pdf", H2, None),
    ]
    archive.close()
    with sqlite3.connect(tmp_path / "catalog.sqlite") as db:
        assert db.execute("SELECT count(*) FROM attachments").fetchone() == (2,)


def _release(*attachments: Attachment) -> Release:
    return Release(
        site="mofa.go.kr",
        collection="m_5676",
        collection_name="Press Releases",
        doc_id="1",
        language="en",
        url="https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=1",
        title="A release",
        published=date(2026, 1, 1),
        body=("Text.",),
        attachments=attachments,
    )
