"""The published site's page frame and the small helpers every page uses: escaping, relative links.

Every page is plain HTML and one shared style sheet: readable without JavaScript, nothing loaded from
outside the site (no CDN, no web fonts). Text from the sites goes through `esc` (markup escaped, control and
bidi characters shown as marked escapes) and into attributes through `attr`.
"""

from __future__ import annotations

import html
import posixpath

from archive.escape import html_text, visible

STYLE_PATH = "style.css"
STYLE = """\
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 60em; padding: 1em 2em; line-height: 1.5; }
nav.top { border-bottom: 1px solid #ccc; padding-bottom: .5em; margin-bottom: 1em; }
nav.top a { margin-right: 1em; }
table { border-collapse: collapse; }
td, th { vertical-align: top; padding: .25em .6em; border-bottom: 1px solid #eee; text-align: left; }
th { font-weight: 600; }
table.meta th { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.text p { max-width: 45em; }
.muted { color: #666; }
.control { background: #ffd; color: #840; font-family: monospace; }
del { background: #fdd; color: #900; }
ins { background: #dfd; color: #060; text-decoration: none; }
"""


def esc(text: str) -> str:
    """Site text for an HTML text node."""
    return html_text(text)


def attr(text: str) -> str:
    """Text for an attribute value (quoted with double quotes): control and bidi characters made visible."""
    return html.escape(visible(text), quote=True)


def rel(here: str, target: str) -> str:
    """The link from the page at `here` to the page at `target`, both relative to the site's root."""
    return posixpath.relpath(target, posixpath.dirname(here) or ".")


def link(here: str, target: str, text: str) -> str:
    """An <a> from `here` to `target` with `text` (escaped) as its label."""
    return f'<a href="{attr(rel(here, target))}">{esc(text)}</a>'


def outside(url: str, text: str | None = None) -> str:
    """A link to a page outside the site (the release on the ministry's site); anything but http(s) is text."""
    if not url.startswith(("http://", "https://")):
        return esc(text or url)
    return f'<a href="{attr(url)}" rel="noreferrer">{esc(text or url)}</a>'


def page(here: str, title: str, body: str, *, lang: str = "en", head: str = "") -> str:
    """A whole page at `here`: the shared frame (style sheet, the site's navigation) around `body`."""
    nav = " ".join(
        link(here, target, label)
        for target, label in (("index.html", "Archive"), ("changes.html", "Changes"), ("search.html", "Search"))
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{attr(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{attr(title)}</title>\n"
        f'<link rel="stylesheet" href="{attr(rel(here, STYLE_PATH))}">\n{head}</head>\n<body>\n'
        f'<nav class="top">{nav}</nav>\n{body}\n</body>\n</html>\n'
    )
