"""The search index a page opened from a folder (file://) can load: classic scripts, not modules or fetch.

Browsers refuse `import()` and `fetch()` on file:// pages, which is how Pagefind loads its index, but they run
`<script src>` files. So publish also writes, per language of the archive, `search/idx/<lang>/docs.js` (each
document's title, date, site and page) and shards of an inverted index (term -> document numbers), each a
script that hands its part to a global function (search/offline.js in the page picks them up). A shard holds
the terms that begin with the same two characters (one for Hangul, whose bigrams would otherwise make a shard
per word), so a query loads docs.js and one shard per query word.

The terms are the archive's own search terms (archive/search/text.py): Russian and English words as Snowball
stems, Korean as bigrams. The browser has no stemmer: it takes, of a query word, the longest indexed stem that
is a prefix of it (at least 3 characters), which Snowball's Russian and English stems are of their words.
Document numbers are sorted and stored as gaps from the previous one, which keeps the numbers short.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from archive.escape import visible
from archive.publish.paths import page_path
from archive.recorder import Archive
from archive.search import text

INDEX_DIR = "search/idx"


@dataclass(frozen=True)
class Doc:
    """One document as the offline search shows and finds it."""

    path: str  # its page, relative to the site's root
    title: str
    date: str
    site: str
    language: str
    text: str  # title and body: what its terms are taken from


def terms(doc: Doc) -> set[str]:
    """The index terms of a document: stemmed words and Hangul bigrams, as the archive's search has them."""
    return set(text.WORD.findall(text.stem_text(doc.text, doc.language)))


def shard(term: str) -> str:
    """The shard file (without .js) a term is in: its first two characters (one if Hangul), as hex code points."""
    head = term[:1] if text.is_hangul(term[:1]) else term[:2]
    return "-".join(f"{ord(c):x}" for c in head)


def script(call: str, *args: object) -> str:
    """A classic script calling `pressroomSearch.<call>(args...)`: the arguments as JSON (valid JavaScript),
    with the two line separators JSON allows and older JavaScript does not escaped."""
    body = ",".join(json.dumps(a, ensure_ascii=False, separators=(",", ":"), sort_keys=True) for a in args)
    body = body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"pressroomSearch.{call}({body});\n"


def build(docs: Iterable[Doc]) -> dict[str, str]:
    """The index files (path relative to the site's root -> script text) of `docs`."""
    by_lang: dict[str, list[Doc]] = defaultdict(list)
    for doc in docs:
        by_lang[doc.language].append(doc)
    files = {}
    for lang, group in sorted(by_lang.items()):
        group.sort(key=lambda d: d.path)  # the same numbers for the same documents, publish after publish
        rows = [[visible(d.title), d.date, d.site, d.path] for d in group]
        files[f"{INDEX_DIR}/{lang}/docs.js"] = script("docs", lang, rows)
        shards: dict[str, dict[str, list[int]]] = defaultdict(dict)
        postings: dict[str, list[int]] = defaultdict(list)
        for number, doc in enumerate(group):
            for term in terms(doc):
                postings[term].append(number)
        for term, numbers in postings.items():
            shards[shard(term)][term] = [b - a for a, b in zip([0, *numbers], numbers, strict=False)]
        for name, part in shards.items():
            files[f"{INDEX_DIR}/{lang}/{name}.js"] = script("add", lang, name, part)
    return files


def collect(archive: Archive) -> list[Doc]:
    """Every document of `archive` with a stored version, as its current version reads."""
    docs = []
    for row in archive.documents():
        stored = archive.versions(row.key)
        if not stored:
            continue
        current = next((v for v in stored if v.number == row.current_version), stored[-1])
        release = archive.store.read(current).release
        words = "\n".join((release.title, *release.body, *release.tags))
        docs.append(Doc(page_path(row.key), release.title, row.published[:10], row.site, release.language, words))
    return docs
