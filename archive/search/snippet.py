"""The snippet of a hit: a window of the first paragraph that holds a query term, and the terms' spans."""

from __future__ import annotations

import re

from archive.search import match, query, text


def spans(paragraph: str, marks: match.Marks, language: str) -> list[tuple[int, int]]:
    """Where the paragraph has a query term: whole words, compared folded (and stemmed, for bare words)."""
    found = [m for m in re.finditer(r"\w+", paragraph)]
    folded = [text.fold(m[0]) for m in found]
    out = []
    for m, word in zip(found, folded, strict=True):
        if (
            word in marks.words
            or text.stem(word, language) in marks.stems
            or any(word.startswith(p) for p in marks.prefixes)
            or any(h in word for h in marks.hangul)
        ):
            out.append((m.start(), m.end()))
    for phrase in marks.phrases:
        for i in range(len(folded) - len(phrase) + 1):
            if folded[i : i + len(phrase)] == phrase:
                out.append((found[i].start(), found[i + len(phrase) - 1].end()))
    return sorted(out)


def snippet(
    paragraphs: tuple[str, ...], q: str, *, language: str = "", width: int = 180
) -> tuple[str, list[tuple[int, int]]]:
    """A window of the first paragraph that holds a query term, and the spans of the terms in it."""
    marks = match.marks(query.parse(q))
    for paragraph in paragraphs:
        hits = spans(paragraph, marks, language)
        if not hits:
            continue
        start = max(0, hits[0][0] - width // 3)
        end = min(len(paragraph), start + width)
        window = ("…" if start else "") + paragraph[start:end] + ("…" if end < len(paragraph) else "")
        shift = 1 if start else 0
        return window, [(a - start + shift, b - start + shift) for a, b in hits if a >= start and b <= end]
    if not paragraphs:
        return "", []
    return paragraphs[0][:width] + ("…" if len(paragraphs[0]) > width else ""), []
