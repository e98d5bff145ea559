"""The archive alone: version-file format, store, recorder, reindex. No HTTP, no HTML."""

from __future__ import annotations

import multiprocessing
import os
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.attachment import Attachment
from archive.document import Release, Version, parse_version
from archive.errors import ArchiveError, ArchiveLocked, CorruptVersion
from archive.recorder import Archive
from archive.store import Store

KST = timezone(timedelta(hours=9))
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def release(body: tuple[str, ...] = ("1. First.", "* unofficial translation"), **changes: object) -> Release:
    fields: dict[str, object] = dict(
        site="mofa.go.kr",
        collection="m_5676",
        collection_name="Press Releases",
        doc_id="321874",
        language="en",
        url="https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=321874",
        title="Outcome of 19th Korea-Russia Policy Consultation",
        published=date(2021, 8, 24),
        body=body,
    )
    fields.update(changes)
    return Release(**fields)  # type: ignore[arg-type]


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def test_render_is_deterministic_and_parses_back() -> None:
    v = Version(release(translations=("en", "ru"), document_number="1541-02-08-2023"), T0)
    text = v.render()
    assert text == Version(release(translations=("en", "ru"), document_number="1541-02-08-2023"), T0).render()
    assert text.endswith("\n") and "\n\n\n" not in text
    assert parse_version(text, source="x") == v


def test_hash_covers_title_date_and_body_only() -> None:
    base = release().sha256()
    assert (
        release(
            attachments=(Attachment("a.pdf", "https://x.example/a.pdf", "0" * 64),),
            collection_name="Other",
            tags=("x",),
        ).sha256()
        == base
    )
    assert release(title="Other title").sha256() != base
    assert release(published=date(2021, 8, 25)).sha256() != base
    assert release(body=("1. First.",)).sha256() != base
    assert release(body=(" 1.\u00a0First. ", "", "* unofficial  translation")).sha256() == base


@pytest.mark.parametrize(
    ("field", "value"),
    [("doc_id", "../x"), ("collection", "a/b"), ("site", "Bad Host"), ("language", "english"), ("doc_id", "")],
)
def test_path_parts_are_validated(field: str, value: str) -> None:
    with pytest.raises(ValueError):
        release(**{field: value})


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        release(published=datetime(2021, 8, 24, 10, 0))


paragraph = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(
    title=paragraph,
    body=st.lists(paragraph, min_size=1, max_size=6),
    when=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
    with_time=st.booleans(),
)
def test_format_round_trip(title: str, body: list[str], when: datetime, with_time: bool) -> None:
    published = when.replace(tzinfo=KST, microsecond=0) if with_time else when.date()
    r = release(title=title, body=tuple(body), published=published)
    v = Version(r, T0)
    if not r.normalized().title or not r.normalized().body:
        return  # an empty release never reaches the archive (the parsers refuse it)
    parsed = parse_version(v.render(), source="x")
    assert parsed == v
    assert parsed.release.sha256() == r.sha256()


@pytest.mark.parametrize("text", ["", "no headers\n", "Title: a\n\nb\n", "Title: a\nBogus: b\n\na\n"])
def test_corrupt_files_are_named(text: str) -> None:
    with pytest.raises(CorruptVersion, match="^f.txt: "):
        parse_version(text, source="f.txt")


def test_new_unchanged_changed_reverted(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    assert archive.record(release()).kind == "new"
    assert archive.record(release()).kind == "unchanged"
    assert archive.record(release(body=("1. Edited.",))).kind == "changed"
    back = archive.record(release())
    assert (back.kind, back.version) == ("reverted", 1)
    assert archive.record(release()).kind == "unchanged", "compared with the version the site shows now"
    third = archive.record(release(body=("Third text.",)))
    assert (third.kind, third.version) == ("changed", 3)
    names = [p.name[:3] for p in sorted((tmp_path / "mofa.go.kr/m_5676/321874").iterdir())]
    assert names == ["001", "002", "003"]
    kinds = [o.kind for o in archive.catalog.observations("mofa.go.kr/m_5676/321874")]
    assert kinds == ["new", "unchanged", "changed", "reverted", "unchanged", "changed"]


def test_withdrawn_after_two_misses_then_restored(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    key = archive.record(release()).key
    url = release().url
    assert archive.miss(key, url) == "missing"
    archive.observe(key, url, "failed", detail="HTTP 503")  # a failure between is no visit
    assert archive.miss(key, url) == "withdrawn"
    assert archive.catalog.document(key).status == "withdrawn"  # type: ignore[union-attr]
    assert archive.miss(key, url) == "gone", "a withdrawal is news once"
    assert archive.miss(key, url) == "gone"
    assert archive.catalog.document(key).status == "withdrawn"  # type: ignore[union-attr]
    outcome = archive.record(release())
    assert outcome.restored and outcome.kind == "restored"
    kinds = [o.kind for o in archive.catalog.observations(key)]
    assert kinds == ["new", "missing", "failed", "withdrawn", "gone", "gone", "restored"], "one visit, one observation"
    assert archive.catalog.document(key).status == "active"  # type: ignore[union-attr]
    assert len(list((tmp_path / key).iterdir())) == 1


def test_a_304_for_a_withdrawn_document_restores_it(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    key = archive.record(release()).key
    archive.miss(key, release().url)
    archive.miss(key, release().url)
    assert archive.observe(key, release().url, "not_modified") == "restored", "the page is there again"
    assert archive.catalog.document(key).status == "active"  # type: ignore[union-attr]
    assert archive.observe(key, release().url, "not_modified") == "not_modified"
    assert archive.miss(key, release().url) == "missing", "a new withdrawal starts over"
    kinds = [o.kind for o in archive.catalog.observations(key)]
    assert kinds == ["new", "missing", "withdrawn", "restored", "not_modified", "missing"]
    state = archive.catalog.document(key)
    archive.reindex()
    assert archive.catalog.document(key) == state, "the log replays to the same state"


def test_restored_with_another_text_is_restored_and_changed(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    key = archive.record(release()).key
    archive.miss(key, release().url)
    archive.miss(key, release().url)
    outcome = archive.record(release(body=("Edited while away.",)))
    assert (outcome.kind, outcome.version, outcome.restored) == ("changed", 2, True)
    assert [o.kind for o in archive.catalog.observations(key)] == ["new", "missing", "withdrawn", "restored", "changed"]


def test_a_single_miss_between_visits_is_not_a_withdrawal(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    key = archive.record(release()).key
    assert archive.miss(key, release().url) == "missing"
    archive.record(release())
    assert archive.miss(key, release().url) == "missing"


def test_write_never_replaces_and_leaves_no_temp_file(tmp_path: Path) -> None:
    store = Store(tmp_path)
    v = Version(release(), T0)
    written = store.write("mofa.go.kr/m_5676/321874", 1, v)
    with pytest.raises(ArchiveError, match="cannot write"):
        store.write("mofa.go.kr/m_5676/321874", 1, Version(release(), T0 + timedelta(days=1)))
    assert store.read(written) == v
    assert [p.name for p in written.path.parent.iterdir()] == [written.path.name]


def test_disk_full_loses_nothing(tmp_path: Path) -> None:
    def full(fd: int, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    good = Archive(tmp_path, clock=Clock())
    good.record(release())
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.txt")}
    broken = Archive(tmp_path, clock=Clock(), store=Store(tmp_path, write_file=full))
    with pytest.raises(ArchiveError, match="No space left on device"):
        broken.record(release(body=("Edited.",)))
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.txt")} == before
    assert not [p for p in tmp_path.rglob("*.tmp")]
    assert broken.catalog.document("mofa.go.kr/m_5676/321874").current_version == 1  # type: ignore[union-attr]


def test_unindexed_file_from_a_crash_is_picked_up(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    archive.record(release())
    # A crash after the file was written and before the catalog learned of it:
    archive.store.write("mofa.go.kr/m_5676/321874", 2, Version(release(body=("Edited.",)), T0))
    outcome = archive.record(release(body=("Edited again.",)))
    assert (outcome.kind, outcome.version) == ("changed", 3)
    assert [v.number for v in archive.catalog.versions(outcome.key)] == [1, 2, 3]


def test_reindex_reports_a_hand_edited_file_and_leaves_it(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    archive.record(release())
    archive.record(release(body=("Edited.",)))
    path = sorted((tmp_path / "mofa.go.kr/m_5676/321874").glob("*.txt"))[1]
    tampered = path.read_text(encoding="utf-8").replace("Edited.", "Tampered.")
    path.write_text(tampered, encoding="utf-8")
    report = archive.reindex()
    assert report.documents == 1 and report.versions == 1
    assert report.problems == [f"{path}: content does not match the hash in its name (edited?)"]
    assert path.read_text(encoding="utf-8") == tampered


def _hold_lock(
    root: str, ready: multiprocessing.synchronize.Event, releasing: multiprocessing.synchronize.Event, seconds: float
) -> None:
    with Store(Path(root)).lock():
        ready.set()
        time.sleep(seconds)  # how long this writer's run lasts
        releasing.set()  # from here on the lock may be free


def test_one_writer_at_a_time(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    ready, releasing = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(tmp_path), ready, releasing, 1.0))
    holder.start()
    try:
        assert ready.wait(10)
        with pytest.raises(ArchiveLocked, match=f"pid {holder.pid}"), Store(tmp_path).lock():
            pass
        with Store(tmp_path).lock(wait=10):  # waits until the other writer is done
            assert releasing.is_set(), "the lock was taken while the other writer still held it"
    finally:
        holder.join(10)
    assert holder.exitcode == 0
    assert os.path.exists(tmp_path / ".pressroom.lock")


def test_reindex_keeps_the_order_of_runs_when_the_clock_stepped_back(tmp_path: Path) -> None:
    clock = Clock()
    archive = Archive(tmp_path, clock=clock)
    with archive.run("crawl", ["mofa.go.kr"], counts=lambda: {"new": 1}) as first:
        key = archive.record(release(), run_id=first.id).key
    clock.now -= timedelta(hours=1)  # the machine's clock was set back between two runs
    with archive.run("crawl", ["mofa.go.kr"], counts=lambda: {"changed": 1}) as second:
        archive.record(release(body=("Edited.",)), run_id=second.id)
        archive.observe(key, release().url, "failed", run_id=second.id, detail="HTTP 503")
    before = archive.catalog.all_observations()
    archive.reindex()
    assert archive.catalog.all_observations() == before
    assert [o.kind for o in before] == ["new", "changed", "failed"]
