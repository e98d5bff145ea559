"""Differences between two versions: metadata changes listed apart from the text, the title diffed as text.

Three renderings: a unified line diff (the title and then a paragraph per line), a word diff for prose, and
a self-contained HTML page with the versions side by side (archive/diffpage.py). Every one names each side:
its version, when its text was seen (Captured) and how (a live visit, or the version's Origin). The word
machinery they share is archive/wordiff.py.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

from archive.diffpage import html_page, word_html
from archive.document import Version
from archive.wordiff import (
    METADATA_FIELDS,
    Piece,
    metadata_changes,
    seen,
    title_pieces,
    word_counts,
    word_pieces,
    words,
)

__all__ = [
    "METADATA_FIELDS",
    "Piece",
    "html_page",
    "metadata_changes",
    "seen",
    "title_pieces",
    "unified",
    "word",
    "word_counts",
    "word_html",
    "word_pieces",
    "words",
]


def _metadata_lines(old: Version, new: Version, shown: Callable[[str], str] = str) -> list[str]:
    out = [f"{name}: {shown(a) or '(none)'} -> {shown(b) or '(none)'}\n" for name, a, b in metadata_changes(old, new)]
    return ["Metadata changes:\n", *out, "\n"] if out else []


def header(old: Version, new: Version, old_label: str, new_label: str) -> list[str]:
    """The two lines that name the sides, as a unified diff does: `--- KEY v1<TAB>captured ... (live visit)`."""
    return [f"--- {old_label}\t{seen(old)}\n", f"+++ {new_label}\t{seen(new)}\n"]


def unified(old: Version, new: Version, *, old_label: str, new_label: str, context: int = 3) -> str:
    """A unified diff of the title and the body paragraphs (one per line) under the sides' names, metadata
    changes between the names and the first hunk."""
    lines = list(
        difflib.unified_diff(
            [p + "\n" for p in (old.release.title, *old.release.body)],
            [p + "\n" for p in (new.release.title, *new.release.body)],
            n=context,
        )
    )[2:]  # difflib's own ---/+++ lines: replaced by the named ones
    changes = _metadata_lines(old, new) + lines
    return "".join(header(old, new, old_label, new_label) + (changes or ["No differences.\n"]))


def word(
    old: Version,
    new: Version,
    *,
    color: Callable[[str, str], str] | None = None,
    escape: Callable[[str], str] = str,
    context: int = 1,
    labels: tuple[str, str] | None = None,
) -> str:
    """A word diff of the title (when it changed) and the changed paragraphs (with `context` unchanged ones
    around), metadata between them; with `labels`, under the sides' names as in `unified`.

    Without `color`, removals read [-old-] and additions {+new+}; with it, `color(op, text)` styles them.
    `escape` is applied to the versions' text before any marking, never to the marks or colours.
    """
    mark = color or (lambda op, text: f"[-{text}-]" if op == "-" else f"{{+{text}+}}")

    def marked(pieces: list[Piece]) -> str:
        return "".join(escape(p.text) if p.op == "=" else mark(p.op, escape(p.text)) for p in pieces)

    top = [escape(line) for line in header(old, new, *labels)] + ["\n"] if labels else []
    title = title_pieces(old, new)
    out = [f"Title: {marked(title)}\n\n"] if old.release.title != new.release.title else []
    out += _metadata_lines(old, new, escape)
    rows = list(word_pieces(old.release.body, new.release.body))
    changed = [i for i, (kind, _) in enumerate(rows) if kind != "="]
    keep = {j for i in changed for j in range(i - context, i + context + 1)}
    last = -2
    for i, (_, pieces) in enumerate(rows):
        if i not in keep:
            continue
        if i != last + 1 and last >= 0:
            out.append("…\n\n")
        out.append(marked(pieces) + "\n\n")
        last = i
    text = "".join(out).rstrip("\n") + "\n" if out else "No differences.\n"
    return "".join(top) + text
