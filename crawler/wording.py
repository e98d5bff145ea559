"""Small helpers for what people read: counts with the right plural, text clipped with an ellipsis."""

from __future__ import annotations

from collections.abc import Sequence

ELLIPSIS = "…"


def count(number: int, singular: str, plural: str | None = None) -> str:
    """`1 result`, `2 results`, `0 results`; `plural` for the irregular ones (entry, entries)."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def clip(text: str, width: int) -> str:
    """`text` cut to at most `width` characters, ending in `…` when something was cut."""
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)].rstrip() + ELLIPSIS


def table(
    headers: tuple[str, ...], rows: Sequence[tuple[str, ...]], *, right: frozenset[int] = frozenset()
) -> list[str]:
    """Lines of a plain-text table: a header, then the rows, columns two spaces apart and aligned (the
    columns in `right` to the right); the last column is not padded."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = []
    for row in (headers, *rows):
        cells = [
            cell.rjust(width) if i in right else cell if i == len(row) - 1 else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return lines
