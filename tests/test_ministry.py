"""A ministry that exists only as a definition in the test's pressroom.toml (tests/sim_ministry.py serves
it): listed, extracted from a saved page, crawled, versioned, diffed, searched, exported and backfilled
through the real CLI; and each kind of bad definition refused at load time in one line."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FAST_CONFIG, Pressroom
from tests.ptyrun import run_pty, screen
from tests.sim_ministry import MINISTRY_TABLE, STATEMENTS, MinistrySim, release_page
from tests.simserver import SimServer

KEY = "mfa.example/releases/1044"
README = Path(__file__).parent.parent / "README.md"


@pytest.fixture
def ministry() -> Iterator[tuple[MinistrySim, SimServer]]:
    sim = MinistrySim()
    with SimServer(sim) as server:
        yield sim, server


@pytest.fixture
def press(tmp_path: Path, ministry: tuple[MinistrySim, SimServer]) -> Pressroom:
    config = tmp_path / "pressroom.toml"
    config.write_text(FAST_CONFIG + MINISTRY_TABLE, encoding="utf-8")
    return Pressroom(tmp_path / "archive", config, {"exampleland": ministry[1].base_url})


def _files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text("utf-8") for p in sorted(root.glob("mfa.example/**/*.txt"))}


def test_crawl_edit_crawl_versions_diffs_searches_and_exports(
    press: Pressroom, ministry: tuple[MinistrySim, SimServer]
) -> None:
    result = press("crawl", "mfa.example")
    assert "mfa.example: 2 new" in result.stderr  # list_pages = 1: page 1 holds the two newest
    files = _files(press.archive)
    assert sorted(name.rsplit("/", 1)[0] for name in files) == ["mfa.example/releases/1043", KEY]
    text = next(v for k, v in files.items() if k.startswith(KEY))
    assert "Published: 2024-05-20T11:05:00+12:00\n" in text  # YYYY/MM/DD + time, in Pacific/Auckland
    # The simulator serves no file there: the attachment is listed with the reason, the release archived.
    pdf = "https://www.mfa.example/files/1044.pdf"
    assert f"Attachment: Statement (1044).pdf <{pdf}> not stored: HTTP 404: the page is gone\n" in text
    assert text.endswith(
        "\n\nJoint communiqué with the Republic of Coralia\n\n"
        "The two ministers reaffirmed their friendship.\n\nThey agreed to meet again next year.\n"
    )
    assert "Share this page" not in text and "Ministry of Foreign Affairs of Exampleland" not in text

    ministry[0].edit(
        1044, paragraphs=("The two ministers reaffirmed their lasting friendship.",) + STATEMENTS[2].paragraphs[1:]
    )
    result = press("crawl", "exampleland")
    assert "mfa.example: 1 changed, 1 unchanged" in result.stderr
    assert "\n* v2 " in press("history", KEY).stdout
    diff = press("diff", KEY).stdout
    assert "-The two ministers reaffirmed their friendship." in diff
    assert "+The two ministers reaffirmed their lasting friendship." in diff
    found = press("search", "lasting").stdout
    assert KEY in found and "Joint communiqué" in found
    rows = [json.loads(line) for line in press("export", "--site", "mfa.example").stdout.splitlines()]
    assert sorted((r["key"], r["version"]) for r in rows) == [("mfa.example/releases/1043", 1), (KEY, 2)]


def test_backfill_walks_the_pages_until_one_brings_nothing_new(
    press: Pressroom, ministry: tuple[MinistrySim, SimServer]
) -> None:
    press("crawl", "mfa.example")
    result = press("backfill", "mfa.example", "--since", "2020-01-01")
    assert "mfa.example: 1 new, 2 already archived" in result.stderr
    assert (press.archive / "mfa.example/releases/1042").is_dir()
    pages = [r.query.get("page") for r in ministry[1].log if r.path == "/press/"]
    # page 3 is past the end: the site shows page 2 again, which brings nothing new and ends the walk
    assert pages == ["1", "1", "2", "3"]


def test_backfill_stops_at_the_first_page_older_than_since(
    press: Pressroom, ministry: tuple[MinistrySim, SimServer]
) -> None:
    result = press("backfill", "mfa.example", "--since", "2024-04-01")
    assert "mfa.example: 2 new" in result.stderr
    assert [r.query.get("page") for r in ministry[1].log if r.path == "/press/"] == ["1", "2"]
    assert not [r for r in ministry[1].log if r.path == "/press/releases/1042/"], "published before --since"


def test_extract_shows_what_the_definition_takes_from_a_saved_page(press: Pressroom, tmp_path: Path) -> None:
    saved = tmp_path / "saved.html"
    saved.write_text(release_page(STATEMENTS[1]), encoding="utf-8")
    url = "https://www.mfa.example/press/releases/1043/"
    given = press("extract", "mfa.example", str(saved), "--url", url, "--captured", "2026-01-01T00:00:00Z").stdout
    assert given.startswith("Title: Statement on the volcanic ash advisory\nURL: " + url + "\nSite: mfa.example\n")
    assert given.endswith(
        "\n\nTravellers should check with their airline.\n\nConsular staff are on call around the clock.\n"
    )
    linked = press("extract", "exampleland", str(saved), "--captured", "2026-01-01T00:00:00Z").stdout
    assert linked == given  # the page's canonical link gives the same URL
    wrong = press("extract", "mfa.example", str(saved), "--url", "https://www.mfa.example/about/", ok=False)
    assert "not a mfa.example release URL" in wrong.output


def test_sites_lists_built_in_and_configured_sites(press: Pressroom) -> None:
    lines = press("sites").stdout.splitlines()
    assert re.match(r"SITE +ALIASES +ORIGIN +ENABLED +SCOPE +DESCRIPTION$", lines[0])
    row = next(line for line in lines if line.startswith("mfa.example "))
    assert re.search(rf"mfa\.example +exampleland +{re.escape(str(press.config))} +yes +releases +Ministry of", row)
    assert re.search(r"^mofa\.go\.kr +mofa +built-in +yes +m_5676", lines[1])
    rows = {r["name"]: r for r in map(json.loads, press("sites", "--json").stdout.splitlines())}
    assert rows["mfa.example"]["origin"] == str(press.config) and rows["mid.ru"]["origin"] == "built-in"
    assert rows["mfa.example"]["aliases"] == ["exampleland"]


def test_a_description_cannot_drive_the_terminal(tmp_path: Path) -> None:
    config = tmp_path / "pressroom.toml"
    table = MINISTRY_TABLE.replace("of Exampleland", 'of \\u001b[2JExampleland\\u202e"\nx = "')
    config.write_text(FAST_CONFIG + table.replace('x = ""\n', ""), encoding="utf-8")
    result = run_pty(["--config", str(config), "sites"], columns=250)
    assert result.returncode == 0, result.text
    assert b"\x1b[2J" not in result.output and "\u202e".encode() not in result.output
    assert any("Affairs of \\u001b[2JExampleland\\u202e" in line for line in screen(result.output, 250))


BAD = [
    ('body = ["div.pr-text"]', 'body = ["div.pr-text["]', "select.body: 'div.pr-text[' is not a valid CSS selector"),
    ('title = ["h2.pr-title", "h1"]\n', "", "select.title: required"),
    ("(?P<id>[0-9]+)/'", "[0-9]+/'", "release_url: '/press/releases/[0-9]+/' has no document id group (?P<id>...)"),
    ('title = ["h2.pr-title", "h1"]', 'title = ["//div/h2"]', "select.title: '//div/h2' is not a CSS selector"),
    ('"Pacific/Auckland"', '"Pacific/Atlantis"', "time_zone: 'Pacific/Atlantis' is not a known IANA time zone"),
    ('language = "en"\n', 'language = "en"\ncookies = "session=1"\n', "cookies: no cookies, headers or credentials"),
    ('language = "en"\n', 'language = "en"\nhooks = {parse_release = "x"}\n', "hooks: a site defined in"),
    ('list_urls = ["https://www.mfa.example/', 'list_urls = ["https://cdn.other.example/', "list_urls: 'https://cdn"),
    ('aliases = ["exampleland"]', 'aliases = ["mid"]', "aliases: 'mid' already names mid.ru"),
]


@pytest.mark.parametrize(("old", "new", "message"), BAD, ids=[b[2].split(":")[0] for b in BAD])
def test_a_bad_definition_is_one_line_at_load_time(press: Pressroom, old: str, new: str, message: str) -> None:
    text = press.config.read_text(encoding="utf-8")
    assert old in text
    press.config.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = press("sites", ok=False)
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f'Error: config {press.config} [sites."mfa.example"]: {message}'), result.stderr


def test_readme_worked_example_crawls_the_ministry(tmp_path: Path, ministry: tuple[MinistrySim, SimServer]) -> None:
    section = README.read_text(encoding="utf-8").split("## Adding a ministry", 1)[1].split("\n## ", 1)[0]
    example = re.search(r"```toml\n(.*?)```", section, re.S)
    assert example is not None and "min_interval = 2.0" in example[1]
    config = tmp_path / "pressroom.toml"
    config.write_text(FAST_CONFIG + example[1].replace("min_interval = 2.0", "min_interval = 0"), encoding="utf-8")
    press = Pressroom(tmp_path / "archive", config, {"mfa.example": ministry[1].base_url})
    assert "mfa.example: 2 new" in press("crawl", "exampleland").stderr
    assert "mfa.example: 1 new, 2 already archived" in press("backfill", "mfa.example", "--since", "2024-01-01").stderr
    line = re.search(r"^Error: config pressroom.toml .*$", section, re.M)
    assert line is not None
    config.write_text(FAST_CONFIG + example[1].replace('"h2.pr-title", "h1"', '"//div/h2"'), encoding="utf-8")
    shown = press("sites", ok=False).stderr.strip().replace(str(config), "pressroom.toml")
    assert shown == line[0], "the error README shows is the one a user gets"
