"""The published site's file:// search index (archive/publish/offline.py): classic scripts holding Snowball
stems and Korean bigrams, site text kept as data, and rebuilt only when a document page changed."""

from __future__ import annotations

import json
import os
from pathlib import Path

from archive.publish import offline
from archive.publish.site import publish
from tests.publishkit import edit, make_archive


def call(script: str, name: str) -> list[object]:
    """The arguments of the one `pressroomSearch.<name>(...)` call a script makes."""
    head, tail = f"pressroomSearch.{name}(", ");\n"
    assert script.startswith(head) and script.endswith(tail), script[:80]
    args = json.loads("[" + script[len(head) : -len(tail)] + "]")
    assert isinstance(args, list)
    return args


def postings(files: dict[str, str], lang: str, term: str) -> list[int] | None:
    """The document numbers of `term` in the index of `lang` (gaps added up), None if it is not indexed."""
    name = offline.shard(term)
    script = files.get(f"{offline.INDEX_DIR}/{lang}/{name}.js")
    if script is None:
        return None
    got_lang, got_name, part = call(script, "add")
    assert (got_lang, got_name) == (lang, name)
    assert isinstance(part, dict)
    if term not in part:
        return None
    numbers, at = [], 0
    for gap in part[term]:
        at += gap
        numbers.append(at)
    return numbers


def longest_prefix(files: dict[str, str], lang: str, word: str) -> str | None:
    """What the page's script does with a query word: the longest indexed term that is a prefix of it."""
    for n in range(len(word), 2, -1):
        if postings(files, lang, word[:n]) is not None:
            return word[:n]
    return None


def doc(path: str, lang: str, words: str, title: str = "T") -> offline.Doc:
    return offline.Doc(path, title, "2024-01-02", "mid.ru", lang, words)


def test_russian_words_are_found_through_other_forms_of_them() -> None:
    files = offline.build(
        [
            doc("b/index.html", "ru", "Обстановка на Корейском полуострове"),
            doc("a/index.html", "ru", "Переговоры министров"),
        ]
    )
    stem = longest_prefix(files, "ru", "полуострова")
    assert stem is not None and "полуострове".startswith(stem)
    assert postings(files, "ru", stem) == [1]  # documents are numbered in the order of their pages' paths
    assert postings(files, "ru", longest_prefix(files, "ru", "министр") or "") == [0]
    rows = call(files[f"{offline.INDEX_DIR}/ru/docs.js"], "docs")[1]
    assert rows == [["T", "2024-01-02", "mid.ru", "a/index.html"], ["T", "2024-01-02", "mid.ru", "b/index.html"]]


def test_english_stems_and_korean_bigrams() -> None:
    files = offline.build(
        [
            doc("e/index.html", "en", "The sides discussed energy"),
            doc("k/index.html", "ko", "외교부는 외교장관회담을 개최하였다"),
        ]
    )
    assert longest_prefix(files, "en", "discussing") == "discuss"
    for bigram in ("외교", "교장", "장관", "관회", "회담"):  # 외교장관회담, as the page's script splits it
        assert postings(files, "ko", bigram) == [0], bigram
    assert postings(files, "ko", "외교장관회담") is None  # whole runs are not terms: bigrams are
    assert offline.shard("외교") == f"{ord('외'):x}" and offline.shard("по") == f"{ord('п'):x}-{ord('о'):x}"


def test_site_text_stays_data() -> None:
    title = 'A </script><b onmouseover="x">\\ "q" \u2028 \u202eevil'
    files = offline.build([doc("x/index.html", "en", title, title=title)])
    script = files[f"{offline.INDEX_DIR}/en/docs.js"]
    assert "\u2028" not in script and "\u202e" not in script  # line separator escaped, bidi shown as text
    assert "\n" not in script[:-1]  # one statement, one line
    lang, rows = call(script, "docs")
    assert lang == "en"
    assert rows == [['A </script><b onmouseover="x">\\ "q" \u2028 \\u202eevil', "2024-01-02", "mid.ru", "x/index.html"]]


def test_the_index_is_rewritten_only_when_a_document_page_changed(tmp_path: Path) -> None:
    archive, site = make_archive(tmp_path / "archive"), tmp_path / "site"
    publish(archive, site, now="2026-03-02T00:00:00Z", indexer=lambda s: None)
    index = site / offline.INDEX_DIR
    docs_ru = index / "ru" / "docs.js"
    before = {p: os.stat(p).st_ino for p in index.glob("*/*.js")}
    assert docs_ru in before and (index / "ko" / "docs.js") in before

    again = publish(archive, site, now="2026-03-03T00:00:00Z", indexer=lambda s: None)
    assert again.written == 0
    assert {p: os.stat(p).st_ino for p in index.glob("*/*.js")} == before

    edit(archive, ("Текст изменён ещё раз.",))  # the edit drops "полуострове" from the only Russian document
    publish(archive, site, now="2026-03-04T00:00:00Z", indexer=lambda s: None)
    gone = index / "ru" / f"{offline.shard('полуостр')}.js"
    assert gone in before and not gone.exists()
    assert (index / "ru" / f"{offline.shard('текст')}.js").is_file()
    assert os.stat(index / "ko" / "docs.js").st_ino == before[index / "ko" / "docs.js"]  # same bytes: kept
