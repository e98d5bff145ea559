"""Every diff format names its sides (version, when the text was seen, how) and diffs the title word by word."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import diff
from archive.document import Release, Version
from archive.recorder import Archive
from crawler.cli import cli

KEY = "mid.ru/foreign_policy.news/8/ru"
REEXTRACTED = "re-extraction of the capture of 2026-03-04T12:00:00Z"
# What a version imported from a web archive (issue #16) may say in its Origin header: shown as it is.
WEB_ARCHIVE = "web archive capture https://web.archive.org/web/20200101000000/https://mid.ru/ru/foreign_policy/news/8/"


def version(title: str, body: tuple[str, ...], at: datetime, origin: str = "", published: int = 27) -> Version:
    release = Release(
        site="mid.ru",
        collection="foreign_policy.news",
        collection_name="News",
        doc_id="8",
        language="ru",
        url="https://mid.ru/ru/foreign_policy/news/8/",
        title=title,
        published=date(2026, 2, published),
        body=body,
        per_language=True,
    )
    return Version(release, at, origin)


OLD = version(
    "Заявление о ситуации на полуострове",
    ("Обсуждены вопросы.", "Без изменений."),
    datetime(2026, 3, 1, 9, tzinfo=UTC),
    WEB_ARCHIVE,
)
NEW = version(
    "Заявление о положении на полуострове",
    ("Обсуждена ситуация.", "Без изменений."),
    datetime(2026, 3, 5, 12, tzinfo=UTC),
    REEXTRACTED,
    published=28,
)
OLD_SEEN = f"captured 2026-03-01T09:00:00Z ({WEB_ARCHIVE})"
NEW_SEEN = f"captured 2026-03-05T12:00:00Z ({REEXTRACTED})"


def test_unified_names_both_sides_and_diffs_the_title_as_a_line() -> None:
    text = diff.unified(OLD, NEW, old_label=f"{KEY} v1", new_label=f"{KEY} v2")
    lines = text.splitlines()
    assert lines[:2] == [f"--- {KEY} v1\t{OLD_SEEN}", f"+++ {KEY} v2\t{NEW_SEEN}"]
    assert "Published: 2026-02-27 -> 2026-02-28" in lines
    assert not any(line.startswith("Title:") for line in lines), "the title is text, not metadata"
    hunk = lines[lines.index("@@ -1,3 +1,3 @@") + 1 :]
    assert hunk == [
        "-Заявление о ситуации на полуострове",
        "-Обсуждены вопросы.",
        "+Заявление о положении на полуострове",
        "+Обсуждена ситуация.",
        " Без изменений.",
    ]


def test_word_names_both_sides_and_diffs_the_title_word_by_word() -> None:
    text = diff.word(OLD, NEW, labels=(f"{KEY} v1", f"{KEY} v2"))
    assert text.splitlines()[:2] == [f"--- {KEY} v1\t{OLD_SEEN}", f"+++ {KEY} v2\t{NEW_SEEN}"]
    assert "\nTitle: Заявление о [-ситуации-]{+положении+} на полуострове\n" in text
    assert "\n[-Обсуждены вопросы-]{+Обсуждена ситуация+}.\n" in text
    assert "Metadata changes:\nPublished: 2026-02-27 -> 2026-02-28\n" in text


def test_an_unchanged_title_is_no_change() -> None:
    same_title = version(OLD.release.title, NEW.release.body, NEW.captured)
    assert "Title:" not in diff.word(OLD, same_title)
    assert diff.word_counts(OLD, same_title) == (2, 2)
    assert diff.word_counts(OLD, NEW) == (3, 3), "the title's changed word counts too"


def test_a_version_without_origin_was_seen_on_a_live_visit() -> None:
    live = version("T", ("A.",), datetime(2026, 3, 2, 8, 30, tzinfo=UTC))
    assert diff.seen(live) == "captured 2026-03-02T08:30:00Z (live visit)"
    assert diff.unified(live, NEW, old_label="a v1", new_label="a v2").startswith(
        f"--- a v1\tcaptured 2026-03-02T08:30:00Z (live visit)\n+++ a v2\t{NEW_SEEN}\n"
    )


def test_html_page_heads_each_side_and_diffs_the_title() -> None:
    page = diff.html_page(OLD, NEW, old_label=f"{KEY} v1", new_label=f"{KEY} v2")
    head = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert f'{KEY} v1<span class="seen">{OLD_SEEN}</span>' in head
    assert f'{KEY} v2<span class="seen">{NEW_SEEN}</span>' in head
    title_row = re.search(r'<tr class="title changed">(.*?)</tr>', page)
    assert title_row is not None
    assert re.findall(r'<del class="del">(.*?)</del>', title_row.group(1)) == ["ситуации"]
    assert re.findall(r'<ins class="ins">(.*?)</ins>', title_row.group(1)) == ["положении"]
    assert title_row.group(1).count("Заявление о ") == 2 and title_row.group(1).count(" на полуострове") == 2


def test_feed_entry_names_the_sides_and_diffs_the_title() -> None:
    fragment = diff.word_html(OLD, NEW, labels=("v1", "v2"))
    assert fragment.startswith(f"<p>v1, {OLD_SEEN} → v2, {NEW_SEEN}</p>")
    assert '<p>Title: Заявление о <del class="del">ситуации</del><ins class="ins">положении</ins>' in fragment


@pytest.fixture
def archive_dir(tmp_path: Path) -> Path:
    """v1 from a visit on 1 March, v2 (title and text edited) on 4 March, v3 re-extracted on 5 March."""
    at = [datetime(2026, 3, 1, 9, tzinfo=UTC)]
    archive = Archive(tmp_path / "archive", clock=lambda: at[0])
    for when, v in (
        (datetime(2026, 3, 1, 9, tzinfo=UTC), OLD),
        (datetime(2026, 3, 4, 12, tzinfo=UTC), version(NEW.release.title, NEW.release.body, NEW.captured)),
    ):
        at[0] = when
        archive.record(v.release)
    at[0] = datetime(2026, 3, 5, 12, tzinfo=UTC)
    archive.record(
        version(NEW.release.title, ("Обсуждена ситуация.", "С изменениями."), at[0]).release, origin=REEXTRACTED
    )
    archive.close()
    return tmp_path / "archive"


@pytest.mark.parametrize("fmt", ["unified", "word", "html"])
def test_every_format_of_the_diff_command_names_its_sides(archive_dir: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"diff.{fmt}"
    for old, new, old_seen, new_seen in (
        (1, 2, "captured 2026-03-01T09:00:00Z (live visit)", "captured 2026-03-04T12:00:00Z (live visit)"),
        (2, 3, "captured 2026-03-04T12:00:00Z (live visit)", f"captured 2026-03-05T12:00:00Z ({REEXTRACTED})"),
    ):
        args = ["--archive", str(archive_dir), "diff", KEY, "--from", str(old), "--to", str(new), "--format", fmt]
        result = CliRunner().invoke(cli, [*args, "--output", str(out)])
        assert result.exit_code == 0, result.output
        text = out.read_text(encoding="utf-8")
        if fmt == "html":
            assert f'{KEY} v{old}<span class="seen">{old_seen}</span>' in text
            assert f'{KEY} v{new}<span class="seen">{new_seen}</span>' in text
        else:
            assert text.splitlines()[:2] == [f"--- {KEY} v{old}\t{old_seen}", f"+++ {KEY} v{new}\t{new_seen}"]
