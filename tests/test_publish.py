"""`pressroom publish DIR`: the static site, checked as HTML (every link resolves inside the site, every document
has its page, the diff page marks the changed words, site text is escaped), and its incremental rewrites."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from archive.publish.paths import page_path
from archive.publish.site import MANIFEST, publish
from archive.recorder import Archive
from tests.conftest import Pressroom
from tests.publishkit import EDITED_KEY, HOSTILE, edit, html_pages, make_archive, parse, target


class Indexer:
    """Stands in for Pagefind where the test is about the pages: counts the calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, site: Path) -> None:
        self.calls += 1
        (site / "pagefind").mkdir(exist_ok=True)


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return make_archive(tmp_path / "archive")


def test_every_document_has_its_page_and_every_link_resolves(archive: Archive, tmp_path: Path) -> None:
    site = tmp_path / "site"
    report = publish(archive, site, now="2026-03-02T00:00:00Z", indexer=Indexer())
    keys = [row.key for row in archive.documents()]
    assert len(keys) == 5 and report.documents == 5
    for key in keys:
        assert (site / page_path(key)).is_file(), key
    checked = 0
    for page in html_pages(site):
        links = parse(page)
        for href in links.anchors:
            found = target(site, page, href)
            if found is None:
                assert href.startswith(("https://", "http://")), f"{page}: {href}"
                continue
            if "pagefind" not in href:
                assert found.is_file(), f"{page.relative_to(site)} links to {href}, which does not exist"
                checked += 1
        for src in links.resources:  # nothing is fetched from outside the site
            assert target(site, page, src) is not None, f"{page}: loads {src} from outside the site"
    assert checked > 50
    front = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="mid.ru/index.html"' in front and 'href="mofa.go.kr/index.html"' in front


def test_the_indexes_count_by_site_collection_and_date(archive: Archive, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(archive, site, now="2026-03-02T00:00:00Z", indexer=Indexer())
    front = (site / "index.html").read_text(encoding="utf-8")
    assert "5 documents on 2 sites" in front
    assert '<td class="num">4</td><td class="num">5</td>' in front  # mid.ru: 4 documents, 5 versions
    mid = (site / "mid.ru/index.html").read_text(encoding="utf-8")
    assert 'href="foreign_policy.news/2024.html">2024</a> (4)' in mid
    year = (site / "mid.ru/foreign_policy.news/2024.html").read_text(encoding="utf-8")
    assert "<h2>2024-01 (4)</h2>" in year
    assert "2 versions" in year and "withdrawn" in year
    order = [year.index(f'href="{n}/') for n in ("5", "3", "2", "1")]  # newest first
    assert order == sorted(order)
    mofa = (site / "mofa.go.kr/m_5676/2023.html").read_text(encoding="utf-8")
    assert '<li lang="ko">2023-11-05 <a href="321874/index.html">한-러 외교장관회담 결과</a>' in mofa


def test_document_page_has_text_metadata_attachments_timeline_and_language(archive: Archive, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(archive, site, now="2026-03-02T00:00:00Z", indexer=Indexer(), base_url="https://press.example.org/a")
    page = (site / page_path(EDITED_KEY)).read_text(encoding="utf-8")
    assert parse(site / page_path(EDITED_KEY)).lang == "ru"
    assert "<p>Стороны обсудили обстановку на Корейском полуострове.</p>" in page  # the current text
    assert "<th>Published</th><td>2024-01-03</td>" in page
    assert 'href="v1.html">v1</a>' in page and 'href="diff-1-2.html">changes from v1</a>' in page
    assert "<td>new</td>" in page and "<td>changed</td>" in page  # the timeline
    assert f'<link rel="canonical" href="https://press.example.org/a/{page_path(EDITED_KEY)}">' in page
    v1 = (site / EDITED_KEY / "v1.html").read_text(encoding="utf-8")
    assert "Стороны обсудили ситуацию на Корейском полуострове." in v1
    korean = site / page_path("mofa.go.kr/m_5676/321874")
    assert parse(korean).lang == "ko"
    assert '<a href="https://www.mofa.go.kr/files/result.hwp" rel="noreferrer">결과.hwp</a>' in korean.read_text(
        "utf-8"
    )
    assert f"(sha256 {'a' * 16}…)" in korean.read_text("utf-8")  # the stored file, by its hash


def test_the_diff_page_marks_the_changed_words(archive: Archive, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(archive, site, now="2026-03-02T00:00:00Z", indexer=Indexer())
    page = (site / EDITED_KEY / "diff-1-2.html").read_text(encoding="utf-8")
    assert '<del class="del">ситуацию</del>' in page
    assert '<ins class="ins">обстановку</ins>' in page
    assert "Министры согласовали план встреч." in page  # unchanged text is there, unmarked
    assert '<html lang="ru">' in page
    assert 'href="index.html">mid.ru/foreign_policy.news/2/ru</a>' in page  # the way back to the document
    changes = (site / "changes.html").read_text(encoding="utf-8")
    assert f'href="{EDITED_KEY}/diff-1-2.html">v1→v2</a>' in changes
    assert '<link rel="alternate" type="application/atom+xml" title="Changes" href="changes.atom">' in changes
    assert "<td>withdrawn</td>" in changes
    assert (site / "changes.atom").read_text(encoding="utf-8").startswith("<?xml")


def test_a_hostile_title_is_escaped_everywhere(archive: Archive, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(archive, site, now="2026-03-02T00:00:00Z", indexer=Indexer())
    shown = 0
    for page in [*html_pages(site), site / "changes.atom"]:
        text = page.read_text(encoding="utf-8")
        assert '<script>alert("x")' not in text, page
        assert "<b>markup</b>" not in text, page
        assert "\u202e" not in text, page
        shown += "Statement &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
    assert shown >= 3  # the document page, its version page and the year's list
    doc = (site / page_path("mid.ru/foreign_policy.news/3/en")).read_text(encoding="utf-8")
    assert '<span class="control" title="U+202E">\\u202e</span>evil &amp; &quot;quoted&quot;' in doc
    assert "A body with &lt;b&gt;markup&lt;/b&gt; &amp; an ampersand." in doc
    assert HOSTILE not in doc


def test_a_second_publish_rewrites_only_what_changed(archive: Archive, tmp_path: Path) -> None:
    site, indexer = tmp_path / "site", Indexer()
    publish(archive, site, now="2026-03-02T00:00:00Z", indexer=indexer)
    unchanged, changed = site / page_path("mid.ru/foreign_policy.news/1/en"), site / page_path(EDITED_KEY)
    before = {p: os.stat(p) for p in (unchanged, changed, site / "index.html")}

    again = publish(archive, site, now="2026-03-03T00:00:00Z", indexer=indexer)
    assert (again.rendered, again.written, again.removed, indexer.calls) == (0, 0, 0, 1)
    assert all(os.stat(p).st_mtime_ns == s.st_mtime_ns and os.stat(p).st_ino == s.st_ino for p, s in before.items())

    edit(archive, ("Текст изменён ещё раз.",))  # a crawl finds a third version
    third = publish(archive, site, now="2026-03-04T00:00:00Z", indexer=indexer)
    assert third.rendered == 1 and indexer.calls == 2
    assert os.stat(unchanged).st_ino == before[unchanged].st_ino  # not rewritten
    assert os.stat(changed).st_ino != before[changed].st_ino  # rewritten
    assert "Текст изменён ещё раз." in changed.read_text(encoding="utf-8")
    assert (site / EDITED_KEY / "diff-2-3.html").is_file()
    assert (site / EDITED_KEY / "v3.html").is_file()
    manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    assert f"{EDITED_KEY}/diff-2-3.html" in manifest["documents"][EDITED_KEY]["files"]


def test_a_visit_that_changes_only_the_timeline_rewrites_the_page(archive: Archive, tmp_path: Path) -> None:
    site, indexer = tmp_path / "site", Indexer()
    publish(archive, site, now="2026-03-02T00:00:00Z", indexer=indexer)
    key = "mid.ru/foreign_policy.news/1/en"
    archive.observe(key, "https://mid.ru/en/foreign_policy/news/1/", "not_modified")
    report = publish(archive, site, now="2026-03-03T00:00:00Z", indexer=indexer)
    assert report.rendered == 1
    assert "<td>not_modified</td>" in (site / page_path(key)).read_text(encoding="utf-8")


def test_a_deleted_page_is_written_again(archive: Archive, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(archive, site, now="2026-03-02T00:00:00Z", indexer=Indexer())
    (site / EDITED_KEY / "v1.html").unlink()
    report = publish(archive, site, now="2026-03-02T00:00:00Z", indexer=Indexer())
    assert report.rendered == 1 and (site / EDITED_KEY / "v1.html").is_file()


def test_publish_command(archive: Archive, tmp_path: Path) -> None:
    archive.close()
    config = tmp_path / "pressroom.toml"
    config.write_text('[publish]\nbase_url = "https://press.example.org/archive/"\n', encoding="utf-8")
    run = Pressroom(archive.root, config, {})
    site = tmp_path / "site"
    result = run("publish", str(site), "--no-search")
    assert result.stdout == ""
    assert result.stderr.startswith(f"published 5 documents to {site} in "), result.stderr
    assert "5 rendered" in result.stderr and "0 removed" in result.stderr
    assert "search index" not in result.stderr
    page = (site / page_path(EDITED_KEY)).read_text(encoding="utf-8")
    assert 'href="https://press.example.org/archive/mid.ru/' in page
    result = run("publish", str(site), "--no-search", "--base-url", "http://127.0.0.1:8000/")
    assert "5 rendered" in result.stderr  # every page names its new address
    assert 'href="http://127.0.0.1:8000/mid.ru/' in (site / page_path(EDITED_KEY)).read_text(encoding="utf-8")
    result = run("publish", str(site), "--no-search", "--base-url", "http://127.0.0.1:8000/")
    assert "0 rendered, 0 files written" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base-url", "site.example.org"], "Invalid value for --base-url: 'site.example.org' must start with"),
        (["--base-url", "https://x.org/?a=1"], "must not have a query (?) or a fragment (#)"),
    ],
)
def test_a_bad_base_url_option_is_one_line(archive: Archive, tmp_path: Path, args: list[str], message: str) -> None:
    config = tmp_path / "pressroom.toml"
    config.write_text("", encoding="utf-8")
    result = Pressroom(archive.root, config, {})("publish", str(tmp_path / "site"), *args, ok=False)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "site").exists()


def test_a_folder_that_is_not_a_site_is_refused(archive: Archive, tmp_path: Path) -> None:
    config = tmp_path / "pressroom.toml"
    config.write_text("", encoding="utf-8")
    run = Pressroom(archive.root, config, {})
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run("publish", str(mine), "--no-search", ok=False)
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1
    assert f"cannot publish into {mine}: the folder is not empty and holds no published site" in result.stderr
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]
    inside = archive.root / "site"
    result = run("publish", str(inside), "--no-search", ok=False)
    assert f"cannot publish into {inside}: it is inside the archive at {archive.root}" in result.stderr
    assert not inside.exists()


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[str, str], Path]]:
    """Mount small tmpfs filesystems (root only, as CI runs), unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a filesystem needs root (CI runs as root)")
    mounted: list[Path] = []

    def mount(name: str, size: str) -> Path:
        point = tmp_path / name
        point.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)], check=True)
        mounted.append(point)
        return point

    yield mount
    for point in mounted:  # lazily if a failed test left a file open there
        if subprocess.run(["umount", str(point)], check=False).returncode:
            subprocess.run(["umount", "-l", str(point)], check=True)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_read_only_archive_is_published_and_a_full_disk_is_one_line(
    tmpfs: Callable[[str, str], Path], tmp_path: Path
) -> None:
    archive_mount, site = tmpfs("archive", "32m"), tmpfs("site", "256k")
    make_archive(archive_mount / "archive").close()
    config = tmp_path / "pressroom.toml"
    config.write_text("", encoding="utf-8")
    subprocess.run(["mount", "-o", "remount,ro", str(archive_mount)], check=True)
    run = Pressroom(archive_mount / "archive", config, {})
    archived = snapshot(archive_mount)
    run("publish", str(site / "out"), "--no-search")
    assert (site / "out" / page_path(EDITED_KEY)).is_file()
    assert snapshot(archive_mount) == archived  # nothing written beside a read-only archive

    subprocess.run(["mount", "-o", "remount,rw", str(archive_mount)], check=True)
    writer = Archive(archive_mount / "archive")
    edit(writer, ("Очень длинный текст. " * 20000,))  # 400 KB: more than the disk
    writer.close()
    published = snapshot(site)
    result = run("publish", str(site / "out"), "--no-search", ok=False)
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert (
        result.stderr.startswith(f"Error: cannot write {site / 'out'}/") and "No space left on device" in result.stderr
    )
    assert snapshot(site) == published  # every page as it was, the manifest too: the next publish redoes it


def test_a_new_search_index_replaces_the_old_one_whole(archive: Archive, tmp_path: Path) -> None:
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    publish(archive, site, now="2026-03-02T00:00:00Z")
    first = {p.name for p in (site / "pagefind").rglob("*")}
    edit(archive, ("Совершенно другой текст о переговорах.",))
    assert publish(archive, site, now="2026-03-03T00:00:00Z").indexed
    publish(archive, fresh, now="2026-03-03T00:00:00Z")
    second = {p.name for p in (site / "pagefind").rglob("*")}
    assert second == {p.name for p in (fresh / "pagefind").rglob("*")}  # nothing of the old index is left
    assert second != first
    assert not [p.name for p in site.iterdir() if p.name.startswith(".pagefind")]
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert set(entry["languages"]) == {"en", "ko", "ru"}


def test_a_first_publish_cut_short_is_taken_up_by_the_next(archive: Archive, tmp_path: Path) -> None:
    site = tmp_path / "site"

    def killed(folder: Path) -> None:
        raise KeyboardInterrupt  # stands for a kill after the pages, before the manifest's last word

    with pytest.raises(KeyboardInterrupt):
        publish(archive, site, now="2026-03-02T00:00:00Z", indexer=killed)
    assert (site / page_path(EDITED_KEY)).is_file()
    report = publish(archive, site, now="2026-03-02T00:00:00Z", indexer=Indexer())
    assert report.documents == 5 and report.written == 0  # every page was already there, byte for byte
