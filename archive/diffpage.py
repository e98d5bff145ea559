"""The diff as HTML: a self-contained side-by-side page, and a fragment of the changes for feed entries.

The page is one table of three columns: the field's name (Title, the metadata that changed, Text), then the
older and the newer version, each headed by its name and when and how its text was seen. The name column
is as narrow as its longest name and the two versions share the rest equally (CSS below). Text from the
versions goes through `html_text`: a bidi override in a title cannot reorder the page.
"""

from __future__ import annotations

import html

from archive.document import Version
from archive.escape import html_text, visible
from archive.publish.html import outside
from archive.wordiff import Piece, metadata_changes, seen, title_pieces, word_pieces

ROW_CLASS = {"=": "same", "~": "changed", "-": "removed", "+": "added"}

# The sides ask for half the table each, which leaves the field column (width 0) the least width its content
# allows: with `nowrap`, its longest name on one line. The automatic layout then takes that from the sides
# equally. (A fixed layout would give the field column a third of the page; a `width: 1%` there makes
# Chromium shrink the two sides unequally.)
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; line-height: 1.5; }
table.diff { border-collapse: collapse; width: 100%; table-layout: auto; }
table.diff col.side { width: 50%; }
table.diff th.field { width: 0; white-space: nowrap; color: #555; font-weight: 600; }
table.diff td, table.diff th { vertical-align: top; padding: .4em .6em; border-bottom: 1px solid #ddd;
  text-align: left; overflow-wrap: anywhere; }
table.diff thead th { border-bottom: 2px solid #999; }
table.diff .seen { display: block; font-weight: normal; color: #555; font-size: .9em; }
del, .del { background: #fdd; color: #900; }
ins, .ins { background: #dfd; color: #060; text-decoration: none; }
tr.same td { color: #555; }
.control { background: #ffd; color: #840; font-family: monospace; }
"""


def _side(piece: Piece, tag: str) -> str:
    text = html_text(piece.text)
    return text if piece.op == "=" else f'<{tag} class="{tag}">{text}</{tag}>'


def _sides(pieces: list[Piece]) -> tuple[str, str]:
    """The older side (kept and removed words) and the newer one (kept and added words) of a paragraph."""
    left = "".join(_side(p, "del") for p in pieces if p.op != "+")
    right = "".join(_side(p, "ins") for p in pieces if p.op != "-")
    return left, right


def _value(text: str, tag: str) -> str:
    """A metadata value marked as removed or added; an absent one is said so, unmarked."""
    return f'<{tag} class="{tag}">{html_text(text)}</{tag}>' if text else '<span class="none">(none)</span>'


def _heading(label: str, version: Version) -> str:
    return f'<th scope="col">{html_text(label)}<span class="seen">{html_text(seen(version))}</span></th>'


def _rows(old: Version, new: Version) -> list[str]:
    """The title, the metadata that changed, then the text: one row per paragraph."""
    e = html_text
    title_kind = "=" if old.release.title == new.release.title else "~"
    left, right = _sides(title_pieces(old, new))
    rows = [f'<tr class="title {ROW_CLASS[title_kind]}"><th class="field" scope="row">Title</th>']
    rows[0] += f"<td>{left}</td><td>{right}</td></tr>"
    for name, a, b in metadata_changes(old, new):
        rows.append(
            f'<tr class="metadata changed"><th class="field" scope="row">{e(name)}</th>'
            f"<td>{_value(a, 'del')}</td><td>{_value(b, 'ins')}</td></tr>"
        )
    for i, (kind, pieces) in enumerate(word_pieces(old.release.body, new.release.body)):
        left, right = _sides(pieces)
        name = '<th class="field" scope="row">Text</th>' if i == 0 else '<th class="field"></th>'
        rows.append(f'<tr class="{ROW_CLASS[kind]}">{name}<td>{left}</td><td>{right}</td></tr>')
    return rows


def html_page(old: Version, new: Version, *, old_label: str, new_label: str) -> str:
    """One self-contained HTML page: the two versions side by side, changes highlighted."""
    e, attr = html_text, html.escape
    rows = "\n".join(_rows(old, new))
    return f"""<!DOCTYPE html>
<html lang="{attr(new.release.language)}">
<head><meta charset="utf-8"><title>Changes: {attr(visible(new.release.title))}</title>
<style>{STYLE}</style></head>
<body>
<h1>{e(new.release.title)}</h1>
<p>{outside(new.release.url)}</p>
<table class="diff">
<colgroup><col class="field"><col class="side"><col class="side"></colgroup>
<thead><tr><th class="field"></th>{_heading(old_label, old)}{_heading(new_label, new)}</tr></thead>
<tbody>
{rows}
</tbody></table>
</body></html>
"""


def word_html(old: Version, new: Version, *, labels: tuple[str, str] | None = None) -> str:
    """The word diff as an HTML fragment (with `labels`, the sides named; the title when it changed; the
    changed paragraphs), for feed entries."""
    e = html_text

    def marked(pieces: list[Piece]) -> str:
        return "".join(_side(p, {"-": "del", "+": "ins"}.get(p.op, "span")) for p in pieces)

    sides = f"<p>{e(labels[0])}, {e(seen(old))} → {e(labels[1])}, {e(seen(new))}</p>" if labels else ""
    title = f"<p>Title: {marked(title_pieces(old, new))}</p>" if old.release.title != new.release.title else ""
    meta = "".join(
        f"<li>{e(n)}: {_value(a, 'del')} → {_value(b, 'ins')}</li>" for n, a, b in metadata_changes(old, new)
    )
    paragraphs = [
        f"<p>{marked(pieces)}</p>" for kind, pieces in word_pieces(old.release.body, new.release.body) if kind != "="
    ]
    return sides + title + (f"<ul>{meta}</ul>" if meta else "") + "".join(paragraphs)
