"""HTML to clean paragraphs: block elements and <br> end a paragraph, table rows become one line each."""

from __future__ import annotations

from collections.abc import Callable

from selectolax.lexbor import LexborNode

from archive.document import normalize_text

# Elements that start and end a paragraph of their own.
BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "ul",
    ]
)
# Elements whose text is never content.
SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "button",
        "select",
        "option",
        "input",
        "textarea",
        "svg",
        "head",
        "object",
        "embed",
    ]
)
CELL_SEPARATOR = " | "

Skip = Callable[[LexborNode], bool]


def paragraphs(node: LexborNode, *, skip: Skip | None = None) -> list[str]:
    """The normalized, non-empty paragraphs of `node`; `skip` drops whole subtrees it returns True for."""
    out: list[str] = []
    buf: list[str] = []
    _walk(node, out, buf, skip)
    _flush(out, buf)
    return out


def text_of(node: LexborNode | None) -> str:
    """The normalized text of a node (empty for None)."""
    return normalize_text(node.text(deep=True, separator="")) if node is not None else ""


def _flush(out: list[str], buf: list[str]) -> None:
    text = normalize_text("".join(buf))
    buf.clear()
    if text:
        out.append(text)


def _walk(node: LexborNode, out: list[str], buf: list[str], skip: Skip | None) -> None:
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            buf.append(child.text(deep=False))
        elif tag is None or tag.startswith("-") or tag in SKIP_TAGS or (skip is not None and skip(child)):
            continue
        elif tag == "br":
            _flush(out, buf)
        elif tag == "tr":
            _flush(out, buf)
            cells = [" ".join(paragraphs(cell, skip=skip)) for cell in child.iter() if cell.tag in ("td", "th")]
            row = CELL_SEPARATOR.join(c for c in cells if c)
            if row:
                out.append(row)
        elif tag == "ol":
            _flush(out, buf)
            _ordered(child, out, buf, skip)
        elif tag in BLOCK_TAGS:
            _flush(out, buf)
            _walk(child, out, buf, skip)
            _flush(out, buf)
        else:
            _walk(child, out, buf, skip)


def _ordered(node: LexborNode, out: list[str], buf: list[str], skip: Skip | None) -> None:
    """An <ol>: each item starts with the number a browser shows (sites number paragraphs and rows this way).

    The number goes on the item's first paragraph. An item whose text was all skipped (links that were
    navigation) leaves no bare number behind, though it keeps its place in the count, as in a browser."""
    start = node.attributes.get("start") or "1"
    number = int(start) if start.isascii() and start.isdigit() else 1
    for child in node.iter(include_text=False):
        if child.tag != "li" or (skip is not None and skip(child)):
            continue
        item: list[str] = []
        _walk(child, item, buf, skip)
        _flush(item, buf)
        if item:
            out.append(f"{number}. {item[0]}")
            out.extend(item[1:])
        elif not normalize_text(child.text()):
            out.append(f"{number}.")  # an empty item shows its number alone (tables number rows this way)
        number += 1


def is_contents_list(node: LexborNode) -> bool:
    """Whether `node` is a table of contents: a list (<ol>/<ul>) whose every item's text is all in links to
    places on the same page (href="#…"). A list of real content has text outside such links."""
    if node.tag not in ("ol", "ul"):
        return False
    items = [li for li in node.iter(include_text=False) if li.tag == "li"]
    if not items:
        return False
    for li in items:
        linked = "".join(normalize_text(a.text()) for a in li.css("a[href^='#']"))
        if not linked or linked.replace(" ", "") != normalize_text(li.text()).replace(" ", ""):
            return False
    return True
