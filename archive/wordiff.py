"""What every diff format shares: word pieces, the title's change, metadata changes, how each side is named.

Words are Unicode word runs, so a Hangul syllable block or a Cyrillic word is never split; the body's diff
first pairs paragraphs, then compares words inside changed pairs. A title is diffed the same way, as a
paragraph of its own.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from archive.attachment import changes as attachment_changes
from archive.document import Version, format_captured

# Header fields whose change is reported as metadata, not as a text edit (the title is diffed as text).
# Attachments follow them, one `Attachment` line per file added, removed or changed (archive/attachment.py).
METADATA_FIELDS = ("Published", "Document-Number", "URL", "Collection", "Translations", "Tags")
TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
WORD = re.compile(r"\w+")
# What a version without an Origin header is: the text as a visit of the live site found it.
LIVE = "live visit"


@dataclass(frozen=True)
class Piece:
    """A run of text that is kept (=), removed (-) or added (+)."""

    op: str
    text: str


def seen(version: Version) -> str:
    """When and how this text was seen: `captured 2026-03-01T09:00:00Z (live visit)`, `captured
    2019-03-12T09:45:12Z (web-archive capture https://web.archive.org/web/20190312094512id_/https://...)`
    (an Origin that is a URL names the capture the text was read from), or its Origin as it is."""
    origin = version.origin
    if origin.startswith(("http://", "https://")):
        origin = f"web-archive capture {origin}"
    return f"captured {format_captured(version.captured)} ({origin or LIVE})"


def metadata_changes(old: Version, new: Version) -> list[tuple[str, str, str]]:
    """The (field, old value, new value) triples that differ between two versions (the title aside)."""
    a, b = old.headers(), new.headers()
    fields = [(f, a.get(f, ""), b.get(f, "")) for f in METADATA_FIELDS if a.get(f, "") != b.get(f, "")]
    return fields + attachment_changes(old.release.attachments, new.release.attachments)


def title_pieces(old: Version, new: Version) -> list[Piece]:
    """The title's word diff: one kept piece when it did not change."""
    a, b = old.release.title, new.release.title
    return [Piece("=", a)] if a == b else words(a, b)


def word_pieces(old: tuple[str, ...], new: tuple[str, ...]) -> Iterator[tuple[str, list[Piece]]]:
    """Paragraph by paragraph: ("=", [kept]), ("-", [removed]), ("+", [added]) or ("~", word pieces)."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            yield from (("=", [Piece("=", p)]) for p in old[i1:i2])
            continue
        a, b = old[i1:i2], new[j1:j2]
        pairs = min(len(a), len(b)) if tag == "replace" else 0
        for x, y in zip(a[:pairs], b[:pairs], strict=True):
            yield "~", words(x, y)
        yield from (("-", [Piece("-", p)]) for p in a[pairs:])
        yield from (("+", [Piece("+", p)]) for p in b[pairs:])


def words(a: str, b: str) -> list[Piece]:
    """The word diff of two paragraphs."""
    ta, tb = TOKEN.findall(a), TOKEN.findall(b)
    out: list[Piece] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(Piece("=", "".join(ta[i1:i2])))
            continue
        if i2 > i1:
            out.append(Piece("-", "".join(ta[i1:i2])))
        if j2 > j1:
            out.append(Piece("+", "".join(tb[j1:j2])))
    return _merge_changes(out)


def _merge_changes(pieces: list[Piece]) -> list[Piece]:
    """Changes separated only by spaces read as one change: [-call on all-]{+urge every+}."""
    out: list[Piece] = []
    removed: list[str] = []
    added: list[str] = []

    def flush() -> None:
        if removed:
            out.append(Piece("-", "".join(removed)))
        if added:
            out.append(Piece("+", "".join(added)))
        removed.clear()
        added.clear()

    for i, piece in enumerate(pieces):
        between = 0 < i < len(pieces) - 1 and pieces[i - 1].op != "=" and pieces[i + 1].op != "="
        if piece.op == "=" and not (between and piece.text.isspace()):
            flush()
            out.append(piece)
        elif piece.op == "=":
            removed.append(piece.text)
            added.append(piece.text)
        else:
            (removed if piece.op == "-" else added).append(piece.text)
    flush()
    return out


def word_counts(old: Version, new: Version) -> tuple[int, int]:
    """(words added, words removed) in the title and the body."""
    added = removed = 0
    rows = [("~", title_pieces(old, new)), *word_pieces(old.release.body, new.release.body)]
    for _, pieces in rows:
        for piece in pieces:
            n = len(WORD.findall(piece.text))
            added += n if piece.op == "+" else 0
            removed += n if piece.op == "-" else 0
    return added, removed
