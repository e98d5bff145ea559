"""What in a mid.ru article's body is navigation, not text: a briefing's table of contents (its heading, its
lists of links to places on the page, their sub-headings) and its "Back to contents" links.

A real briefing (October 2024) opens with `<h2><a name="0">СОДЕРЖАНИЕ</a></h2>`, an `<ol>` of `<li><a href="#1">`
entries, a sub-heading `<p><em><a href="#100"><u>Из ответов на вопросы</u>:</a></em></p>` and a second `<ol>`;
each section ends with `<p><u><a href="#0">Назад к оглавлению</a></u></p>`. All of it goes, and no bare entry
number is left behind; an ordered list of the text itself keeps its numbers (crawler/parse/textify.py).
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from archive.document import normalize_text
from crawler.parse.textify import is_contents_list

BACK_LINK_TEXTS = frozenset({"back to contents", "назад к оглавлению", "к оглавлению", "back to top"})
# Headings of a table of contents (dropped with it) and the blocks that may hold one entry or heading.
CONTENTS_WORDS = frozenset({"содержание", "оглавление", "contents", "table of contents"})
BLOCKS_OF_LINKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6"})
PUNCTUATION = " :.;,-–—()"


def navigation(node: LexborNode) -> bool:
    """Briefings' in-page navigation: the table of contents (its heading, its lists of links to places on the
    page, their sub-headings) and "Back to contents" links."""
    tag = node.tag or ""
    if tag in ("ol", "ul"):
        return is_contents_list(node)
    if tag in BLOCKS_OF_LINKS:
        return _only_page_links(node) or (_is_contents_heading(node) and _navigation_follows(node))
    if tag != "a":
        return False
    href = node.attributes.get("href") or ""
    text = normalize_text(node.text()).lower()
    if text in BACK_LINK_TEXTS:
        return True
    if not href.startswith("#"):
        return False
    parent = node.parent
    # A link that is the whole of its paragraph or list item is a contents entry; a footnote mark
    # inside running text ("[1]") is content.
    return parent is not None and normalize_text(parent.text()) == normalize_text(node.text())


def _only_page_links(node: LexborNode) -> bool:
    """Whether a paragraph holds nothing but links to places on the page (and punctuation): a contents entry
    or sub-heading such as "<em><a href="#100">From answers to questions</a>:</em>"."""
    links = node.css("a[href^='#']")
    if not links:
        return False
    rest = normalize_text(node.text())
    for a in links:
        rest = rest.replace(normalize_text(a.text()), "", 1)
    return not rest.strip(PUNCTUATION)


def _is_contents_heading(node: LexborNode) -> bool:
    return normalize_text(node.text()).strip(PUNCTUATION).lower() in CONTENTS_WORDS


def _navigation_follows(node: LexborNode) -> bool:
    """Whether the next element after `node` is a table of contents (so `node` is its heading)."""
    sibling = node.next
    while sibling is not None and (sibling.tag or "").startswith("-"):
        sibling = sibling.next
    return sibling is not None and (is_contents_list(sibling) or _only_page_links(sibling))
