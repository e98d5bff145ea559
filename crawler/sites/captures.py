"""What a web-archive capture of a release URL can be that is not the release, and how to name a page's template.

`pressroom import-history` reads old captures of a site's release URLs. The archive holds, under those URLs,
pages that are not releases: the site's anti-bot challenge, a rate-limit page (its own or one the archive met),
an error page served with 200, a "no such post" page or the home page (a soft 404), an empty body. Such a
capture is skipped and counted by its reason, one of `REASONS`, never parsed or archived.

The two reasons that matter most apart: `soft 404` says the release was not there when the capture was made
(evidence that it was withdrawn, when it had existed before); `error page` says only that the site failed.

Everything here is the default every site gets (a user-defined one too); a site adds what it knows about
its own pages through `Site.capture_hook` and `Site.hint_hook`. Pure functions of text, like every site module.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from selectolax.lexbor import LexborHTMLParser

CHALLENGE = "challenge"
RATE_LIMIT = "rate-limit page"
ERROR_PAGE = "error page"
SOFT_404 = "soft 404"
EMPTY = "empty"
REASONS = (CHALLENGE, RATE_LIMIT, ERROR_PAGE, SOFT_404, EMPTY)

# Bot walls any site may stand behind (Cloudflare, AWS WAF, Sucuri, F5): counted only on a small page, where
# no release can be quoting them.
CHALLENGE_MARKERS = (
    "cf-browser-verification",
    "challenge-platform",
    "_cf_chl_opt",
    "Attention Required! | Cloudflare",
    "Checking your browser before accessing",
    "awswaf",
    "sucuri_cloudproxy",
    "Please enable JavaScript",
    "Please enable Javascript",
)
SMALL_PAGE_CHARS = 20_000
SHORT_TEXT_CHARS = 1_500  # visible text of an error page; a release with its site's menus has more
# Read in a page's <title> or first heading only, anchored, so a release's own words never match.
RATE_WORDS = re.compile(
    r"too many requests|rate limit(?:ed| exceeded)?|^\W*429\b|요청이 너무 많|слишком много запросов", re.IGNORECASE
)
NOT_FOUND_WORDS = re.compile(
    r"^\W*(?:error\W*)?(?:404|410)\b|^\W*(?:page |file )?not found\b|page (?:could not be|cannot be|was not) found"
    r"|페이지를 찾을 수 없|존재하지 않는|삭제된 게시물|страница не найдена|^\W*ошибка\W*404",
    re.IGNORECASE,
)
ERROR_WORDS = re.compile(
    r"^\W*(?:[0-9]{3}\W+)?(?:error|internal server error|service (?:temporarily )?unavailable|bad gateway"
    r"|gateway time-?out|an error (?:has )?occurred|runtime error)\b|^\W*(?:오류|에러|ошибка)",
    re.IGNORECASE,
)
INVISIBLE = "script, style, noscript, template"
# Where a page's main content usually sits, for the template hint when the page has no generator or body mark.
CONTAINERS = ("main[id]", "#contents", "#content", "#container", "#wrap", "#wrapper", "body > div[id]")
HINT_PART_CHARS = 40


def classify(
    html: str, status: int, markers: tuple[str, ...] = (), is_release: Callable[[], bool] = lambda: False
) -> str | None:
    """The reason a capture (its body and the status it was captured with) is not a release, or None.

    `markers` are the site's own challenge markers, counted anywhere on the page. `is_release` says whether
    the site's parser reads a release from the page: the words of a <title> or heading ("Error of judgment",
    "404 days of the blockade") name an error or rate-limit page only on a page that is no release.
    """
    if status == 429:
        return RATE_LIMIT
    if not html.strip():
        return EMPTY
    if any(marker in html for marker in markers) or (
        len(html) < SMALL_PAGE_CHARS and any(marker in html for marker in CHALLENGE_MARKERS)
    ):
        return CHALLENGE
    tree = LexborHTMLParser(html)
    said = headline_reason(headlines(tree))
    if said is not None and is_release():  # asked only then: most pages' headlines say nothing
        said = None
    if said == RATE_LIMIT:
        return RATE_LIMIT
    if status in (404, 410) or said == SOFT_404:
        return SOFT_404
    if status >= 400 or said == ERROR_PAGE:
        return ERROR_PAGE
    if not visible_text(tree):
        return EMPTY
    return None


def headline_reason(lines: list[str]) -> str | None:
    """What a page's headlines say it is: a rate-limit page, a soft 404 or an error page (in that order), or None."""
    for reason, words in ((RATE_LIMIT, RATE_WORDS), (SOFT_404, NOT_FOUND_WORDS), (ERROR_PAGE, ERROR_WORDS)):
        if any(words.search(line) for line in lines):
            return reason
    return None


def headlines(tree: LexborHTMLParser) -> list[str]:
    """Where error and rate-limit pages say what they are: the page's <title>, and its first <h1> and <h2>
    when the page is short (a release's own heading may begin with any word)."""
    selectors = ("title", "h1", "h2") if len(visible_text(tree)) < SHORT_TEXT_CHARS else ("title",)
    lines = [tree.css_first(selector) for selector in selectors]
    return [text for text in (" ".join(node.text().split()) for node in lines if node is not None) if text]


def visible_text(tree: LexborHTMLParser) -> str:
    """The text a reader would see on the page (scripts and styles left out), whitespace collapsed."""
    body = tree.body
    if body is None:
        return ""
    copy = LexborHTMLParser(body.html or "")
    for node in copy.css(INVISIBLE):
        node.decompose()
    return " ".join((copy.body.text() if copy.body is not None else "").split())


def template_hint(html: str) -> str:
    """A short name of a page's template, to count pages no parser understood by kind: the generator it
    declares, the <body>'s id and classes, the main container's id; "empty page" or "not HTML" without them."""
    if not html.strip():
        return "empty page"
    tree = LexborHTMLParser(html)
    parts = []
    generator = tree.css_first("meta[name=generator]")
    if generator is not None and (generator.attributes.get("content") or "").strip():
        parts.append(f"generator {_short(generator.attributes.get('content') or '')}")
    body = tree.body
    if body is not None:
        mark = _mark(body.attributes.get("id"), body.attributes.get("class"))
        if mark:
            parts.append(f"body{mark}")
    for selector in CONTAINERS:
        node = tree.css_first(selector)
        if node is not None:
            parts.append(_mark(node.attributes.get("id"), None))
            break
    if not parts:
        return "no template marks" if tree.css_first("body *") is not None or "<" in html else "not HTML"
    return "; ".join(parts)


def _mark(id_: str | None, classes: str | None) -> str:
    """`#id.class1.class2` (at most three classes), or ""."""
    mark = f"#{_short(id_)}" if id_ and id_.strip() else ""
    names = (classes or "").split()[:3]
    return mark + "".join(f".{_short(name)}" for name in names)


def _short(text: str) -> str:
    """One line, at most HINT_PART_CHARS characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= HINT_PART_CHARS else flat[: HINT_PART_CHARS - 1] + "…"
