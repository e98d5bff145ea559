"""Text from the sites made harmless where it is shown: a terminal, an HTML page, an Atom feed.

A page may carry control characters and bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE and its kin)
that would rewrite a terminal or reorder the text around them. The archived file keeps them exactly; every
place that shows the text shows them as visible escapes (`\\u202e`) instead, so a reader sees that they
are there, and a diff that only adds one is not invisible.
"""

from __future__ import annotations

import html

# C0/C1 controls (but newline and tab), the bidirectional embeddings, overrides and isolates, and the
# directional marks: each can reorder or hide what is shown around it.
UNSAFE = frozenset(
    [
        *range(0x00, 0x09),
        0x0B,
        0x0C,
        *range(0x0D, 0x20),
        *range(0x7F, 0xA0),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
        0x200E,
        0x200F,
        0x061C,
    ]
)


def visible(text: str) -> str:
    """Control and bidi characters replaced by visible escapes (`\\u202e`); everything else as is."""
    if not any(ord(ch) in UNSAFE for ch in text):
        return text
    return "".join(f"\\u{ord(ch):04x}" if ord(ch) in UNSAFE else ch for ch in text)


def html_text(text: str) -> str:
    """Text for an HTML page: markup escaped, and control and bidi characters shown as marked escapes."""
    if not any(ord(ch) in UNSAFE for ch in text):
        return html.escape(text)
    return "".join(_html_mark(ch) if ord(ch) in UNSAFE else html.escape(ch) for ch in text)


def _html_mark(ch: str) -> str:
    return f'<span class="control" title="U+{ord(ch):04X}">\\u{ord(ch):04x}</span>'
