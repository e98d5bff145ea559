"""The Atom feed's links: rel="self", the feed-level link, and each entry's link to the document's page in the
published site when a base URL is configured, otherwise to the release. Every feed is parsed back as Atom."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner, Result

from archive.document import Release
from archive.recorder import Archive
from crawler.cli import cli

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})$")
BASE = "https://press.example.org/archive"
MOFA_URL = "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=7"
MID_URL = "https://mid.ru/en/foreign_policy/news/8/"


def release(mofa: bool, body: str) -> Release:
    return Release(
        site="mofa.go.kr" if mofa else "mid.ru",
        collection="m_5676" if mofa else "foreign_policy.news",
        collection_name="Press Releases" if mofa else "News",
        doc_id="7" if mofa else "8",
        language="en",
        url=MOFA_URL if mofa else MID_URL,
        title="Statement" if mofa else "Comment",
        published=date(2026, 2, 27),
        body=(body,),
        per_language=not mofa,
    )


@pytest.fixture(scope="module")
def archive_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """mofa.go.kr's release edited on 2 March, mid.ru's edited on 3 March and withdrawn on 5 March."""
    root = tmp_path_factory.mktemp("feed") / "archive"
    at = [datetime(2026, 3, 1, tzinfo=UTC)]
    archive = Archive(root, clock=lambda: at[0])
    steps = [
        (1, lambda: archive.record(release(True, "One."))),
        (1, lambda: archive.record(release(False, "Uno."))),
        (2, lambda: archive.record(release(True, "One, edited."))),
        (3, lambda: archive.record(release(False, "Uno, editado."))),
        (4, lambda: archive.miss("mid.ru/foreign_policy.news/8/en", MID_URL)),
        (5, lambda: archive.miss("mid.ru/foreign_policy.news/8/en", MID_URL)),
    ]
    for day, step in steps:
        at[0] = datetime(2026, 3, day, 9, tzinfo=UTC)
        step()
    archive.close()
    return root


def feed(root: Path, *args: str, config: Path | None = None) -> ET.Element:
    """The feed `pressroom feed ARGS` writes, parsed, after checking what Atom 1.0 (RFC 4287) requires."""
    argv = ["--archive", str(root), *(["--config", str(config)] if config else []), "feed", *args]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 0, result.output
    root_element = ET.fromstring(result.stdout)
    check_atom(root_element)
    return root_element


def check_atom(element: ET.Element) -> None:
    """A feed and each entry: one id, title and updated (RFC 3339); an author; links with an href; at most
    one alternate link per type; entry ids unique."""
    assert element.tag == f"{A}feed"
    assert element.find(f"{A}author/{A}name") is not None
    for node in (element, *element.findall(f"{A}entry")):
        for tag in ("id", "title", "updated"):
            assert len(node.findall(f"{A}{tag}")) == 1, (node.tag, tag)
        assert RFC3339.match(node.findtext(f"{A}updated") or "")
        links = node.findall(f"{A}link")
        assert all(link.get("href") for link in links)
        alternates = [link.get("type") for link in links if link.get("rel", "alternate") == "alternate"]
        assert len(alternates) == len(set(alternates))
        assert len([link for link in links if link.get("rel") == "self"]) <= 1
    ids = [e.findtext(f"{A}id") for e in element.findall(f"{A}entry")]
    assert len(ids) == len(set(ids))


def links(node: ET.Element, rel: str) -> list[str]:
    return [link.get("href", "") for link in node.findall(f"{A}link") if link.get("rel") == rel]


def test_without_a_base_url_entries_link_the_release_and_the_feed_its_sites(archive_dir: Path) -> None:
    root = feed(archive_dir)
    assert links(root, "self") == [] and links(root, "alternate") == []
    assert links(root, "related") == ["https://mid.ru/", "https://www.mofa.go.kr/"]
    entries = root.findall(f"{A}entry")
    assert [links(e, "alternate") for e in entries] == [[MID_URL], [MID_URL], [MOFA_URL]]
    assert all(links(e, "related") == [] for e in entries)


def test_a_self_url_alone_names_the_feed(archive_dir: Path) -> None:
    root = feed(archive_dir, "--self-url", "https://feeds.example.net/pressroom.atom", "--site", "mofa")
    assert links(root, "self") == ["https://feeds.example.net/pressroom.atom"]
    assert links(root, "related") == ["https://www.mofa.go.kr/"]
    assert [links(e, "alternate") for e in root.findall(f"{A}entry")] == [[MOFA_URL]]


def test_a_configured_base_url_links_the_published_site(archive_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "pressroom.toml"
    config.write_text(f'[publish]\nbase_url = "{BASE}/"\n', encoding="utf-8")
    root = feed(archive_dir, config=config)
    assert links(root, "self") == [f"{BASE}/changes.atom"]
    assert links(root, "alternate") == [f"{BASE}/changes.html"]
    assert [link.get("type") for link in root.findall(f"{A}link")] == ["application/atom+xml", "text/html"]
    entries = root.findall(f"{A}entry")
    assert [links(e, "alternate") for e in entries] == [
        [f"{BASE}/mid.ru/foreign_policy.news/8/en/index.html"],
        [f"{BASE}/mid.ru/foreign_policy.news/8/en/index.html"],
        [f"{BASE}/mofa.go.kr/m_5676/7/index.html"],
    ]
    assert [links(e, "related") for e in entries] == [[MID_URL], [MID_URL], [MOFA_URL]]
    other = feed(
        archive_dir, "--base-url", "https://mirror.example.com", "--self-url", "https://x.example/f", config=config
    )
    assert links(other, "self") == ["https://x.example/f"]
    assert links(other, "alternate") == ["https://mirror.example.com/changes.html"]
    assert links(other.findall(f"{A}entry")[2], "alternate") == [
        "https://mirror.example.com/mofa.go.kr/m_5676/7/index.html"
    ]


def test_the_published_feed_links_pages_that_exist(archive_dir: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = CliRunner().invoke(
        cli, ["--archive", str(archive_dir), "publish", str(site), "--base-url", BASE, "--no-search"]
    )
    assert result.exit_code == 0, result.output
    root = ET.parse(site / "changes.atom").getroot()
    check_atom(root)
    assert links(root, "self") == [f"{BASE}/changes.atom"] and (site / "changes.atom").is_file()
    assert links(root, "alternate") == [f"{BASE}/changes.html"] and (site / "changes.html").is_file()
    pages = [links(e, "alternate")[0] for e in root.findall(f"{A}entry")]
    assert pages and all(page.startswith(f"{BASE}/") and (site / page[len(BASE) + 1 :]).is_file() for page in pages)


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("--self-url", "changes.atom"), "Invalid value for --self-url: 'changes.atom'"),
        (("--base-url", "ftp://example.org/x"), "Invalid value for --base-url: 'ftp://example.org/x'"),
    ],
)
def test_a_bad_url_is_one_line(archive_dir: Path, args: tuple[str, ...], error: str) -> None:
    result: Result = CliRunner().invoke(cli, ["--archive", str(archive_dir), "feed", *args])
    assert result.exit_code != 0 and result.stdout == "" and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and error in errors[0], result.stderr


def ids(root: ET.Element) -> list[str]:
    """The feed's id and its entries' ids."""
    return [root.findtext(f"{A}id") or "", *(e.findtext(f"{A}id") or "" for e in root.findall(f"{A}entry"))]


def test_ids_do_not_depend_on_where_the_archive_lives(archive_dir: Path, tmp_path: Path) -> None:
    """A copied, moved or restored archive, and one rebuilt by reindex, gives feed readers the same ids."""
    before = ids(feed(archive_dir))
    assert len(before) == 4 and all(i.startswith("urn:pressroom:") for i in before)
    copy = tmp_path / "elsewhere" / "restored"
    shutil.copytree(archive_dir, copy)
    assert ids(feed(copy)) == before
    result = CliRunner().invoke(cli, ["--archive", str(copy), "reindex"])
    assert result.exit_code == 0, result.output
    assert ids(feed(copy)) == before
    assert ids(feed(copy, "--base-url", BASE)) == before  # where it is published changes no id either
