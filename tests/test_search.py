"""Search that finds (#18): stems, the query language and its errors, fields, every version, JSON, upgrades."""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.document import Release
from archive.recorder import Archive
from archive.search import Filters, QueryError, parse, search
from archive.search.match import expression
from crawler.cli import cli
from tests.ptyrun import run_pty

DOCS = [
    # (doc id, language, title, body, document number, tags)
    ("1", "ru", "О ситуации на Корейском полуострове", ("Стороны обсудили ситуацию на полуострове.",), "101-1-24", ()),
    ("2", "ru", "Полуостров и ёлки", ("Переговоры о полуостров состоялись.",), "", ("Корейский полуостров",)),
    ("3", "en", "Negotiations resumed", ("The ministers negotiated a trade deal in Seoul.",), "", ("trade",)),
    ("4", "en", "Korean statement", ("A negotiation on energy; no trade was discussed in Seoul today.",), "", ()),
    ("5", "ko", "한-러 외교장관회담 결과", ("외교부는 2일 러시아와 외교장관회담을 개최하였다고 밝혔다.",), "", ()),
    ("6", "en", "Joint statement", ("The joint statement on security was signed by both ministers.",), "", ()),
]


def release(ident: str, lang: str, title: str, body: tuple[str, ...], number: str, tags: tuple[str, ...]) -> Release:
    return Release(
        site="mid.ru",
        collection="foreign_policy.news",
        collection_name="News",
        doc_id=ident,
        language=lang,
        url=f"https://mid.ru/{lang}/foreign_policy/news/{ident}/",
        title=title,
        published=date(2024, 1, int(ident)),
        body=body,
        document_number=number,
        tags=tags,
        per_language=True,
        site_wide_id=True,  # keyed as mid.ru keys: mid.ru/id/<id>/<lang>
    )


@pytest.fixture
def library(tmp_path: Path) -> Archive:
    """Six documents; document 6 was edited: its first version spoke of sanctions, the current one does not."""
    archive = Archive(tmp_path / "archive")
    archive.record(release("6", "en", "Joint statement", ("Sanctions were discussed by both ministers.",), "", ()))
    for doc in DOCS:
        archive.record(release(*doc))
    return archive


def ids(archive: Archive, query: str, **filters: object) -> list[str]:
    return sorted(hit.key.split("/")[2] for hit in search(archive.catalog.db, query, Filters(**filters)))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("полуостров", ["1", "2"]),  # finds полуострове (Snowball: полуостров -> полуостр, полуострове -> полуостров)
        ("полуострове", ["1", "2"]),
        ("переговорах", ["2"]),  # переговоры
        ("ёлка", ["2"]),  # ё folds to е, then stems
        ("negotiations", ["3", "4"]),  # negotiated, negotiation
        ("negotiate", ["3", "4"]),
        ("외교", ["5"]),  # Korean: a two-syllable word inside 외교부는
        ("러시아", ["5"]),
        ("trade seoul", ["3", "4"]),  # implicit AND
        ("trade AND seoul", ["3", "4"]),
        ("energy OR security", ["4", "6"]),
        ("trade NOT energy", ["3"]),
        ("trade -energy", ["3"]),
        ("seoul -(energy OR deal)", []),
        ("(energy OR security) ministers", ["6"]),
        ('"joint statement"', ["6"]),
        ('"the ministers negotiated"', ["3"]),
        ('"ministers negotiate"', []),  # a phrase is exact: not stemmed
        ('"полуострове"', ["1"]),
        ('"на полуострове"', ["1"]),
        ("Kore*", ["4"]),  # Korean; Корейском is Cyrillic: not a prefix match
        ("корей*", ["1"]),  # not doc 2, whose tag says Корейский: tags need tag:
        ("полуостр*", ["1", "2"]),
        ("NEAR(ministers trade, 2)", ["3"]),
        ("NEAR(negotiation trade, 5)", ["3", "4"]),  # stems: negotiated ... trade within 5 words
        ("NEAR(negotiation trade, 1)", ["3"]),  # one word (a) between
        ("NEAR(negotiation trade, 0)", []),
        ("NEAR(ministers signed)", ["6"]),
        ("title:negotiation", ["3"]),
        ("title:полуостров", ["1", "2"]),
        ("title:(korean OR joint)", ["4", "6"]),
        ('title:"joint statement"', ["6"]),
        ("number:101-1-24", ["1"]),
        ("number:101*", ["1"]),
        ("number:102", []),
        ("tag:полуостров", ["2"]),
        ("tag:trade", ["3"]),
        ("tag:trade seoul", ["3"]),
        ("trade or", []),  # lower-case or is a word, which no document has
        ("— trade", ["3", "4"]),  # a dash alone is no term
        ("sanctions", []),  # only in an earlier version
    ],
)
def test_search_table(library: Archive, query: str, expected: list[str]) -> None:
    assert ids(library, query) == expected


def test_stemming_follows_the_language_filter(library: Archive) -> None:
    assert ids(library, "negotiations", language="en") == ["3", "4"]
    # a French-language filter: Latin words are not English there, so they are compared as written
    assert ids(library, "negotiations", language="fr") == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"joint statement', 'unbalanced quote: the " at character 1 is never closed'),
        ('trade "', 'unbalanced quote: the " at character 7 is never closed'),
        ("(trade OR energy", "unbalanced parentheses: the ( at character 1 is never closed"),
        ("trade)", "unbalanced parentheses: the ) at character 6 has no ("),
        ("NOT", "NOT at character 1 needs a word after it"),
        ("trade NOT", "NOT at character 7 needs a word after it"),
        ("NOT trade", "NOT and - only narrow a search: add a word to find"),
        ("-trade", "NOT and - only narrow a search: add a word to find"),
        ("energy OR -trade", "they cannot be one side of OR"),
        ("trade - energy", "a '-' at character 7 must stand before a word"),
        ("*", "'*' at character 1 must end a word (e.g. Kore*)"),
        ("trade *", "'*' at character 7 must end a word"),
        ("ko*rea", "'*' at character 1 must end a word"),
        ("OR trade", "OR at character 1 needs a term on each side"),
        ("trade OR", "OR at character 7 needs a term on each side"),
        ("trade AND", "AND at character 7 needs a term on each side"),
        ("author:smith", "unknown field 'author:' at character 1 (fields: title:, number:, tag:"),
        ("title: trade", "nothing to search for"),  # 'title:' then a space is the word title, which has letters
        ("()", "empty parentheses at character 1"),
        ("NEAR(trade)", "NEAR at character 1 needs two terms or more"),
        ("NEAR(a b, x)", "NEAR at character 1: the distance must be a number"),
        ("NEAR(a b", "the NEAR( at character 1 is never closed"),
        ("NEAR(a OR b)", "NEAR at character 1 takes words and phrases only"),
        ("— …", "nothing to search for in '— …'"),
        ("", "nothing to search for in ''"),
    ],
)
def test_unusable_syntax_says_what_and_where(query: str, message: str) -> None:
    if query == "title: trade":  # not an error: a field name needs its term attached
        assert "title_stems body_stems" in expression(parse(query))
        return
    with pytest.raises(QueryError, match=re.escape(message)):
        parse(query)


def test_user_text_never_reaches_fts5_as_syntax() -> None:
    # FTS5 operators and column names typed as words arrive as quoted words
    written = expression(parse('near body: {title} ^trade "a" + b'))
    assert written.count('"') % 2 == 0
    for word in ('"near"', '"body"', '"title"', '"trade"', '"a"', '"b"'):
        assert word in written
    assert "^" not in written and "+" not in written


def test_all_versions_finds_earlier_wording_and_says_which_version(library: Archive) -> None:
    hits = search(library.catalog.db, "sanctions", Filters(all_versions=True))
    assert [(h.key, h.version, h.versions, h.current) for h in hits] == [("mid.ru/id/6/en", 1, (1,), 2)]
    both = search(library.catalog.db, "ministers", Filters(all_versions=True))
    assert {h.key.split("/")[2]: h.versions for h in both} == {"3": (1,), "6": (1, 2)}
    runner = CliRunner()
    result = runner.invoke(cli, ["--archive", str(library.root), "search", "--all-versions", "sanctions"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "mid.ru/id/6/en  v1 (current v2)  2024-01-06  Joint statement"
    assert result.stdout.splitlines()[1] == "    Sanctions were discussed by both ministers."
    assert result.stderr == "1 match (1 version)\n"
    result = runner.invoke(
        cli, ["--archive", str(library.root), "search", "--all-versions", "ministers", "--limit", "1"]
    )
    assert result.stderr == "1 of 2 matches (3 versions) (--limit to see more)\n"
    assert runner.invoke(cli, ["--archive", str(library.root), "search", "sanctions"]).stderr == "0 matches\n"


def test_json_one_object_per_hit(library: Archive) -> None:
    result = CliRunner().invoke(
        cli, ["--archive", str(library.root), "search", "--json", "--all-versions", "ministers"]
    )
    assert result.exit_code == 0, result.output
    items = [json.loads(line) for line in result.stdout.splitlines()]
    assert [i["key"] for i in items] == ["mid.ru/id/6/en", "mid.ru/id/3/en"]
    six = items[0]
    assert set(six) == {
        "key", "site", "collection", "language", "url", "title", "published", "document_number", "tags",
        "version", "current_version", "matched_versions", "score", "snippet", "highlights",
    }  # fmt: skip
    assert six["site"] == "mid.ru" and six["collection"] == "foreign_policy.news" and six["language"] == "en"
    assert six["url"] == "https://mid.ru/en/foreign_policy/news/6/" and six["published"] == "2024-01-06"
    assert six["matched_versions"] == [1, 2] and six["current_version"] == 2 and six["version"] in (1, 2)
    assert isinstance(six["score"], float) and six["score"] > 0
    assert six["document_number"] == "" and six["tags"] == []
    start, end = six["highlights"][0]
    assert six["snippet"][start:end] == "ministers"
    assert result.stderr == "2 matches (3 versions)\n"
    one = json.loads(CliRunner().invoke(cli, ["--archive", str(library.root), "search", "--json", "tag:trade"]).stdout)
    assert one["tags"] == ["trade"] and one["matched_versions"] == [1] and one["version"] == one["current_version"]


def test_snippet_marks_stemmed_forms(library: Archive) -> None:
    result = CliRunner().invoke(cli, ["--archive", str(library.root), "search", "--json", "полуостров"])
    item = next(json.loads(line) for line in result.stdout.splitlines() if '"1"' in line or "/1/" in line)
    assert [item["snippet"][a:b] for a, b in item["highlights"]] == ["полуострове"]


def test_bad_query_is_one_line_and_non_zero(library: Archive) -> None:
    result = CliRunner().invoke(cli, ["--archive", str(library.root), "search", "(trade"])
    assert result.exit_code == 1
    assert result.stderr == "Error: unbalanced parentheses: the ( at character 1 is never closed\n"
    assert result.stdout == ""


def _old_index(root: Path) -> None:
    """Make the catalog's search index look like one written before #18 (no stems, one row a document)."""
    db = sqlite3.connect(root / "catalog.sqlite")
    db.executescript(
        "DROP TABLE search; DROP TABLE search_state;"
        "CREATE VIRTUAL TABLE search USING fts5(key UNINDEXED, site UNINDEXED, language UNINDEXED,"
        " published UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2');"
        "INSERT INTO search VALUES ('k', 'mid.ru', 'en', '2024-01-01', 'trade', 'trade');"
    )
    db.close()


@pytest.mark.parametrize("readonly", [False, True])
def test_an_index_from_before_asks_for_reindex_which_upgrades_it(library: Archive, readonly: bool) -> None:
    root = library.root
    library.close()
    _old_index(root)
    runner = CliRunner()
    if readonly:
        (root / "catalog.sqlite").chmod(0o444)
        root.chmod(0o555)
    try:
        result = runner.invoke(cli, ["--archive", str(root), "search", "trade"])
    finally:
        root.chmod(0o755)
        (root / "catalog.sqlite").chmod(0o644)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the search index was made by an earlier pressroom and cannot answer queries: run `pressroom reindex`\n"
    )
    assert runner.invoke(cli, ["--archive", str(root), "reindex"]).exit_code == 0
    result = runner.invoke(cli, ["--archive", str(root), "search", "negotiations"])
    assert result.exit_code == 0 and result.stderr == "2 matches\n"


def test_a_crawl_after_the_upgrade_does_not_hide_the_stale_index(library: Archive) -> None:
    """A writer opening the old index replaces it; what it then records must not pass for a full index."""
    root = library.root
    library.close()
    _old_index(root)
    archive = Archive(root)
    archive.record(release("7", "en", "Trade talks", ("Trade talks resumed.",), "", ()))
    archive.close()
    result = CliRunner().invoke(cli, ["--archive", str(root), "search", "trade"])
    assert result.exit_code == 1 and "run `pressroom reindex`" in result.stderr
    assert CliRunner().invoke(cli, ["--archive", str(root), "reindex"]).exit_code == 0
    assert CliRunner().invoke(cli, ["--archive", str(root), "search", "trade"]).stderr == "3 matches\n"


def test_reindex_indexes_every_version(library: Archive) -> None:
    assert CliRunner().invoke(cli, ["--archive", str(library.root), "reindex"]).exit_code == 0
    result = CliRunner().invoke(cli, ["--archive", str(library.root), "search", "--all-versions", "sanctions"])
    assert result.stderr == "1 match (1 version)\n"


def test_search_on_a_terminal_bolds_stemmed_matches_and_escapes_site_text(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    archive.record(release("8", "en", "Talks \u202eon trade", ("They negotiated \u202ein Seoul.",), "", ()))
    archive.close()
    result = run_pty(["--archive", str(archive.root), "search", "negotiations"])
    assert result.returncode == 0, result.text
    assert re.search(rb"They \x1b\[1mnegotiated\x1b\[0m \\u202ein Seoul\.", result.output), result.output
    assert "\u202e".encode() not in result.output
    assert "mid.ru/id/8/en  2024-01-08  Talks \\u202eon trade" in result.screen
    piped = run_pty(["--archive", str(archive.root), "search", "negotiations"], stdout_pipe=True)
    assert b"\x1b[" not in piped.stdout and b"They negotiated \\u202ein Seoul." in piped.stdout


def test_json_score_is_not_rounded_away(tmp_path: Path) -> None:
    """On a small archive bm25 gives tiny scores: rounded, they all read 0.0 and say nothing of the order."""
    archive = Archive(tmp_path / "archive")
    archive.record(release("9", "en", "Trade", ("Trade and trade.",), "", ()))
    archive.close()
    result = CliRunner().invoke(cli, ["--archive", str(archive.root), "search", "--json", "trade"])
    assert json.loads(result.stdout)["score"] > 0


def test_a_revert_makes_the_old_text_current_again(tmp_path: Path) -> None:
    """Search answers the current versions from the index's own mark: an edit and its revert move it."""
    archive = Archive(tmp_path / "archive")
    for body in ("Alpha talks.", "Beta talks.", "Alpha talks."):  # v1, v2, then v1 again (a revert)
        archive.record(release("9", "en", "Talks", (body,), "", ()))
    for query, current, every in (("alpha", 1, 1), ("beta", 0, 1), ("talks", 1, 1)):
        assert [len(search(archive.catalog.db, query, Filters(all_versions=a))) for a in (False, True)] == [
            current,
            every,
        ], query
    (hit,) = search(archive.catalog.db, "beta", Filters(all_versions=True))
    assert (hit.version, hit.current) == (2, 1)
    archive.close()
    assert CliRunner().invoke(cli, ["--archive", str(archive.root), "reindex"]).exit_code == 0
    assert CliRunner().invoke(cli, ["--archive", str(archive.root), "search", "beta"]).stderr == "0 matches\n"
    assert CliRunner().invoke(cli, ["--archive", str(archive.root), "search", "alpha"]).stderr == "1 match\n"


def test_an_index_of_the_first_stemmed_layout_asks_for_reindex_too(library: Archive) -> None:
    """The layout #18 first pushed had stems but no mark of the current version: it is outdated as well."""
    root = library.root
    library.close()
    db = sqlite3.connect(root / "catalog.sqlite")
    db.executescript(
        "DROP TABLE search; CREATE VIRTUAL TABLE search USING fts5(key UNINDEXED, version UNINDEXED,"
        " site UNINDEXED, language UNINDEXED, published UNINDEXED, title, body, tags, number, title_stems,"
        " body_stems, tags_stems);"
    )
    db.close()
    result = CliRunner().invoke(cli, ["--archive", str(root), "search", "trade"])
    assert result.exit_code == 1 and "run `pressroom reindex`" in result.stderr
    assert CliRunner().invoke(cli, ["--archive", str(root), "reindex"]).exit_code == 0
    assert CliRunner().invoke(cli, ["--archive", str(root), "search", "trade"]).stderr == "2 matches\n"


def test_site_and_language_filters_are_exact(tmp_path: Path) -> None:
    """--site and --lang are index tokens: mid.ru's must not match inside archive.mid.ru's."""
    archive = Archive(tmp_path / "archive")
    archive.record(release("1", "en", "Trade", ("Trade talks.",), "", ()))
    archive.record(dataclasses.replace(release("2", "en", "Trade", ("Trade talks.",), "", ()), site="archive.mid.ru"))
    archive.record(release("3", "ru", "Trade", ("Trade talks.",), "", ()))
    db = archive.catalog.db
    assert [h.key for h in search(db, "trade", Filters(site="mid.ru", language="en"))] == ["mid.ru/id/1/en"]
    assert [h.key for h in search(db, "trade", Filters(site="archive.mid.ru"))] == ["archive.mid.ru/id/2/en"]
    assert sorted(h.key for h in search(db, "trade", Filters(site="mid.ru"))) == [
        "mid.ru/id/1/en",
        "mid.ru/id/3/ru",
    ]
    assert search(db, "trade", Filters(language="ko")) == []


@pytest.mark.parametrize("command", [("search", "trade"), ("export",), ("export", "--format", "csv")])
def test_a_language_the_archive_lacks_is_one_line_naming_those_it_holds(
    library: Archive, command: tuple[str, ...]
) -> None:
    result = CliRunner().invoke(cli, ["--archive", str(library.root), *command, "--lang", "xx"])
    assert result.exit_code == 2 and result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == ["Error: Invalid value for --lang: the archive holds no documents in 'xx' (it holds en, ko, ru)"]
    assert "Traceback" not in result.stderr
    held = CliRunner().invoke(cli, ["--archive", str(library.root), *command, "--lang", "EN"])
    assert held.exit_code == 0 and held.stdout, held.output
