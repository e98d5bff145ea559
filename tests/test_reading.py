"""Reading the archive: diff formats, changes, the Atom feed, search, export filters."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from archive import diff
from archive.document import Release, Version
from archive.recorder import Archive
from tests.conftest import Pressroom
from tests.sim_mofa import MofaSim
from tests.simserver import SimServer

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def version(body: tuple[str, ...], *, title: str = "Statement", lang: str = "en", number: str = "") -> Version:
    return Version(
        Release(
            site="mid.ru",
            collection="foreign_policy.news",
            collection_name="News",
            doc_id="1",
            language=lang,
            url="https://mid.ru/en/foreign_policy/news/1/",
            title=title,
            published=date(2024, 1, 15),
            body=body,
            document_number=number,
            per_language=True,
        ),
        T0,
    )


EDITS = {
    "number": (
        ("Trade rose to $20 billion in 2021.", "It fell later."),
        ("Trade rose to $21 billion in 2021.", "It fell later."),
        "Trade rose to $[-20-]{+21+} billion in 2021.\n\nIt fell later.\n",
    ),
    "reworded": (
        ("We call on all sides to show restraint.",),
        ("We urge every party to exercise restraint.",),
        "We [-call on all sides-]{+urge every party+} to [-show-]{+exercise+} restraint.\n",
    ),
    "added_paragraph": (("One.", "Two."), ("One.", "Two.", "Three, new."), "Two.\n\n{+Three, new.+}\n"),
    "korean": (
        ("양 장관은 한반도 정세에 대해 의견을 교환하였다.",),
        ("양 장관은 한반도 평화에 대해 의견을 교환하였다.",),
        "양 장관은 한반도 [-정세에-]{+평화에+} 대해 의견을 교환하였다.\n",
    ),
    "russian": (
        ("Обсуждены ситуация на Корейском полуострове.",),
        ("Обсуждена ситуация на Корейском полуострове.",),
        "[-Обсуждены-]{+Обсуждена+} ситуация на Корейском полуострове.\n",
    ),
}


@pytest.mark.parametrize("name", EDITS)
def test_word_diff_golden(name: str) -> None:
    old, new, expected = EDITS[name]
    assert diff.word(version(old), version(new)) == expected


def test_unified_diff_golden() -> None:
    old, new, _ = EDITS["number"]
    assert diff.unified(version(old), version(new), old_label="a v1", new_label="a v2") == (
        "--- a v1\tcaptured 2026-03-01T00:00:00Z (live visit)\n+++ a v2\tcaptured 2026-03-01T00:00:00Z (live visit)\n"
        "@@ -1,3 +1,3 @@\n Statement\n-Trade rose to $20 billion in 2021.\n"
        "+Trade rose to $21 billion in 2021.\n It fell later.\n"
    )


def test_title_is_diffed_as_text_and_number_is_metadata() -> None:
    a = version(("Same body.",), title="Old title", number="1-01-01-2024")
    b = version(("Same body.",), title="New title", number="2-01-01-2024")
    assert diff.word(a, b) == (
        "Title: [-Old-]{+New+} title\n\nMetadata changes:\nDocument-Number: 1-01-01-2024 -> 2-01-01-2024\n"
    )
    assert diff.word_counts(a, b) == (1, 1)


def test_word_counts() -> None:
    old, new, _ = EDITS["reworded"]
    assert diff.word_counts(version(old), version(new)) == (4, 5)


class Spans(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.found: dict[str, list[str]] = {"del": [], "ins": []}
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("meta", "br", "link", "col"):
            self.stack.append(tag)
        if tag in self.found:
            self.found[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unbalanced </{tag}>")

    def handle_data(self, data: str) -> None:
        for tag in ("del", "ins"):
            if tag in self.stack:
                self.found[tag][-1] += data


def test_html_page_is_well_formed_and_highlights_the_changes() -> None:
    old = version(("Trade rose to $20 billion <in> 2021.", "Unchanged & kept."), title="T & <b>")
    new = version(("Trade rose to $21 billion <in> 2021.", "Unchanged & kept.", "Added."), title="T & <b>")
    page = diff.html_page(old, new, old_label="v1", new_label="v2")
    parser = Spans()
    parser.feed(page)
    assert not parser.errors and parser.stack == []
    assert parser.found["del"] == ["20"]
    assert parser.found["ins"] == ["21", "Added."]
    assert "<b>" not in page.split("<body>")[1], "page text is escaped"
    assert "http" not in re.sub(r'href="https://mid\.ru[^"]*"|>https://mid\.ru[^<]*<', "", page), "self-contained"


ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})$")


def test_changes_and_atom_feed(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer], tmp_path: Path) -> None:
    sim, _ = mofa_sim
    pressroom("crawl", "mofa")
    original = sim.releases[("m_5676", 320033)].body
    sim.edit(320033, body=[*original[:2], "2. They agreed to meet again in Busan.", original[3]])
    pressroom("crawl", "mofa")
    sim.edit(320033, body=original)
    pressroom("crawl", "mofa")
    lines = pressroom("changes", "--since", "2020-01-01").stdout.splitlines()
    assert [line.split()[1] for line in lines] == ["reverted", "changed"]
    assert "mofa.go.kr/m_5676/320033 v2→v1  +" in lines[0] and "v1→v2  +" in lines[1]
    assert pressroom("changes", "--site", "mid").stdout == ""

    pressroom("feed", "--output", str(tmp_path / "changes.atom"))
    root = ET.parse(tmp_path / "changes.atom").getroot()
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == 2 and all(i and i.startswith("urn:") for i in ids)
    for entry in entries:
        assert RFC3339.match(entry.findtext(f"{ATOM}updated") or "")
        assert entry.findtext(f"{ATOM}title", "").startswith(("changed: ", "reverted: "))
        link = entry.find(f"{ATOM}link")
        assert link is not None and link.get("href", "").startswith("https://www.mofa.go.kr/")
        content = entry.find(f"{ATOM}content")
        assert content is not None and content.get("type") == "html"
    changed = next(e for e in entries if e.findtext(f"{ATOM}title", "").startswith("changed"))
    assert '<ins class="ins">Busan</ins>' in (changed.findtext(f"{ATOM}content") or "")


@pytest.fixture
def library(tmp_path: Path) -> Archive:
    archive = Archive(tmp_path)
    docs = [
        ("ru", "1", "Заявление о ёлочных украшениях", ("Министерство осуждает санкции против ёлочной торговли.",)),
        ("ko", "2", "한-러 외교장관회담 결과", ("외교부는 2일 러시아와 외교장관회담을 개최하였다고 밝혔다.",)),
        ("en", "3", "Outcome of the Korea-Russia consultation", ("The two sides discussed trade and energy.",)),
        ("en", "4", "Trade statistics", ("Trade figures were published. Korea was mentioned once.",)),
    ]
    for lang, ident, title, body in docs:
        archive.record(
            Release(
                site="mid.ru",
                collection="foreign_policy.news",
                collection_name="News",
                doc_id=ident,
                language=lang,
                url=f"https://mid.ru/{lang}/foreign_policy/news/{ident}/",
                title=title,
                published=date(2024, 1, int(ident)),
                body=body,
                per_language=True,
            )
        )
    return archive


def keys(archive: Archive, query: str, **filters: str) -> list[str]:
    from archive.search import Filters, search

    return [hit.key.split("/")[2] for hit in search(archive.catalog.db, query, Filters(**filters))]  # type: ignore[arg-type]


def test_search_russian_treats_yo_and_ye_alike(library: Archive) -> None:
    assert keys(library, "елочной") == ["1"]
    assert keys(library, "ёлочной торговли") == ["1"]
    assert keys(library, "санкции") == ["1"]


def test_search_korean_two_syllable_words(library: Archive) -> None:
    assert keys(library, "외교") == ["2"]  # inside 외교부는 and 외교장관회담
    assert keys(library, "회담") == ["2"]
    assert keys(library, "러시아") == ["2"]
    assert keys(library, "일본") == []


def test_search_english_ranks_title_matches_first_and_filters(library: Archive) -> None:
    assert keys(library, "korea") == ["3", "4"]
    assert keys(library, "trade") == ["4", "3"]
    assert keys(library, "trade", language="en", since="2024-01-04") == ["4"]
    assert keys(library, "trade", until="2024-01-03") == ["3"]
    assert keys(library, '"trade and energy"') == ["3"]
    assert keys(library, "trade OR nothing") == ["4", "3"], "OR is an operator now (#18)"


def test_search_cli_snippets_and_export_filters(library: Archive) -> None:
    from click.testing import CliRunner

    from crawler.cli import cli

    result = CliRunner().invoke(cli, ["--archive", str(library.root), "search", "외교"])
    assert result.exit_code == 0, result.output
    assert "mid.ru/foreign_policy.news/2/ko  2024-01-02  한-러 외교장관회담 결과" in result.stdout
    assert "외교부는 2일" in result.stdout
    result = CliRunner().invoke(
        cli, ["--archive", str(library.root), "export", "--lang", "en", "--since", "2024-01-04"]
    )
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["4"]
    result = CliRunner().invoke(cli, ["--archive", str(library.root), "export", "--since", "2024-13-01"])
    assert result.exit_code != 0 and "expected YYYY-MM-DD" in result.output


def test_diff_formats_through_the_cli(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer], tmp_path: Path
) -> None:
    sim, _ = mofa_sim
    pressroom("crawl", "mofa")
    sim.edit(320033, title="Outcome of Consultation No. 12 (corrected)")
    pressroom("crawl", "mofa")
    key = "mofa.go.kr/m_5676/320033"
    word = pressroom("diff", key, "--format", "word").stdout.splitlines()
    assert word[0].startswith(f"--- {key} v1\tcaptured ") and word[1].startswith(f"+++ {key} v2\tcaptured ")
    assert word[3] == "Title: Outcome of Consultation No. 12 [-on Bilateral Cooperation-]{+(corrected)+}"
    pressroom("diff", key, "--format", "html", "--output", str(tmp_path / "d.html"))
    assert (tmp_path / "d.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_titles_cannot_hijack_the_terminal() -> None:
    from crawler.cli.base import safe

    assert safe("evil\x1b[2J\u202etxt.exe") == "evil\\u001b[2J\\u202etxt.exe"
    assert safe("한국어 и русский\n") == "한국어 и русский\n"
