"""Differences between two versions: metadata changes listed apart from body changes.

Three renderings: a unified line diff (a paragraph per line), a word diff for prose, and a self-contained
HTML page with the versions side by side. Words are Unicode word runs, so a Hangul syllable block or a
Cyrillic word is never split; the diff first pairs paragraphs, then compares words inside changed pairs.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from archive.document import Version
from archive.escape import html_text, visible

# Header fields whose change is reported as metadata, not as a body edit.
METADATA_FIELDS = ("Title", "Published", "Document-Number", "URL", "Collection", "Translations", "Tags", "Attachments")
TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Piece:
    """A run of text that is kept (=), removed (-) or added (+)."""

    op: str
    text: str


def metadata_changes(old: Version, new: Version) -> list[tuple[str, str, str]]:
    """The (field, old value, new value) triples that differ between two versions."""
    a, b = old.headers(), new.headers()
    return [(f, a.get(f, ""), b.get(f, "")) for f in METADATA_FIELDS if a.get(f, "") != b.get(f, "")]


def _metadata_lines(old: Version, new: Version, shown: Callable[[str], str] = str) -> list[str]:
    out = [f"{name}: {shown(a) or '(none)'} -> {shown(b) or '(none)'}\n" for name, a, b in metadata_changes(old, new)]
    return ["Metadata changes:\n", *out, "\n"] if out else []


def unified(old: Version, new: Version, *, old_label: str, new_label: str, context: int = 3) -> str:
    """A unified diff of the body paragraphs (one paragraph per line), metadata changes first."""
    out = _metadata_lines(old, new)
    out.extend(
        difflib.unified_diff(
            [p + "\n" for p in old.release.body],
            [p + "\n" for p in new.release.body],
            fromfile=old_label,
            tofile=new_label,
            n=context,
        )
    )
    return "".join(out) or "No differences.\n"


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
            yield "~", _words(x, y)
        yield from (("-", [Piece("-", p)]) for p in a[pairs:])
        yield from (("+", [Piece("+", p)]) for p in b[pairs:])


def _words(a: str, b: str) -> list[Piece]:
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
    """(words added, words removed) in the body."""
    added = removed = 0
    for _, pieces in word_pieces(old.release.body, new.release.body):
        for piece in pieces:
            n = len(WORD.findall(piece.text))
            added += n if piece.op == "+" else 0
            removed += n if piece.op == "-" else 0
    return added, removed


def word(
    old: Version,
    new: Version,
    *,
    color: Callable[[str, str], str] | None = None,
    escape: Callable[[str], str] = str,
    context: int = 1,
) -> str:
    """A word diff of the changed paragraphs (with `context` unchanged ones around), metadata first.

    Without `color`, removals read [-old-] and additions {+new+}; with it, `color(op, text)` styles them.
    `escape` is applied to the versions' text before any marking, never to the marks or colours.
    """
    mark = color or (lambda op, text: f"[-{text}-]" if op == "-" else f"{{+{text}+}}")
    rows = list(word_pieces(old.release.body, new.release.body))
    changed = [i for i, (kind, _) in enumerate(rows) if kind != "="]
    keep = {j for i in changed for j in range(i - context, i + context + 1)}
    out = _metadata_lines(old, new, escape)
    last = -2
    for i, (_, pieces) in enumerate(rows):
        if i not in keep:
            continue
        if i != last + 1 and out:
            out.append("…\n\n")
        out.append("".join(escape(p.text) if p.op == "=" else mark(p.op, escape(p.text)) for p in pieces) + "\n\n")
        last = i
    return "".join(out).rstrip("\n") + "\n" if out else "No differences.\n"


ROW_CLASS = {"=": "same", "~": "changed", "-": "removed", "+": "added"}


def _side(piece: Piece, op: str, tag: str) -> str:
    text = html_text(piece.text)
    return text if piece.op == "=" else f'<{tag} class="{tag}">{text}</{tag}>'


def html_page(old: Version, new: Version, *, old_label: str, new_label: str) -> str:
    """One self-contained HTML page: the two versions side by side, changes highlighted.

    Text from the versions goes through `html_text`: a bidi override in a title cannot reorder the page.
    """
    e, attr = html_text, html.escape
    meta = "".join(
        f"<tr><th>{e(n)}</th><td><del>{e(a) or '(none)'}</del></td><td><ins>{e(b) or '(none)'}</ins></td></tr>"
        for n, a, b in metadata_changes(old, new)
    )
    rows = []
    for kind, pieces in word_pieces(old.release.body, new.release.body):
        left = "".join(_side(p, "-", "del") for p in pieces if p.op != "+")
        right = "".join(_side(p, "+", "ins") for p in pieces if p.op != "-")
        rows.append(f'<tr class="{ROW_CLASS[kind]}"><td>{left}</td><td>{right}</td></tr>')
    title = e(new.release.title)
    return f"""<!DOCTYPE html>
<html lang="{attr(new.release.language)}">
<head><meta charset="utf-8"><title>Changes: {attr(visible(new.release.title))}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; line-height: 1.5; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; }}
td, th {{ vertical-align: top; padding: .4em .6em; border-bottom: 1px solid #ddd; text-align: left; }}
del, .del {{ background: #fdd; color: #900; }}
ins, .ins {{ background: #dfd; color: #060; text-decoration: none; }}
tr.same td {{ color: #555; }}
.control {{ background: #ffd; color: #840; font-family: monospace; }}
</style></head>
<body>
<h1>{title}</h1>
<p><a href="{attr(new.release.url)}">{e(new.release.url)}</a></p>
<h2>Metadata changes</h2>
<table class="metadata"><tbody>{meta or '<tr><td colspan="3">None</td></tr>'}</tbody></table>
<h2>Text</h2>
<table class="body"><thead><tr><th>{e(old_label)}</th><th>{e(new_label)}</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
</body></html>
"""


def word_html(old: Version, new: Version) -> str:
    """The word diff as an HTML fragment (changed paragraphs only), for feed entries."""
    e = html_text
    meta = "".join(f"<li>{e(n)}: <del>{e(a)}</del> → <ins>{e(b)}</ins></li>" for n, a, b in metadata_changes(old, new))
    paragraphs = [
        "<p>" + "".join(_side(p, p.op, {"-": "del", "+": "ins"}.get(p.op, "span")) for p in pieces) + "</p>"
        for kind, pieces in word_pieces(old.release.body, new.release.body)
        if kind != "="
    ]
    return (f"<ul>{meta}</ul>" if meta else "") + "".join(paragraphs)
