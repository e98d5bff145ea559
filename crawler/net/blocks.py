"""Block detection: answers that are no usable page, above all anti-bot pages served with HTTP 200.

Which text marks a site's challenge or rejection page is the site's knowledge (`Site.challenge_markers`,
carried here by the `Policy`); this module holds the rules, and only the markers that any site's
JavaScript gate shows. A blocked page is never parsed or archived.
"""

from __future__ import annotations

from crawler.errors import Blocked, FetchError, NotFound

GONE_STATUSES = frozenset({404, 410})
# A challenge that needs a browser says so, whoever serves it (F5, Cloudflare, Sucuri alike). A real page
# may say it too, in a <noscript> beside its content: so these count only on a page too small to be one.
GENERIC_SMALL_PAGE_MARKERS = ("Please enable JavaScript", "Please enable Javascript")
SMALL_PAGE_CHARS = 20_000


def check_status(url: str, status: int) -> None:
    """Raise unless `status` is 200 (304 is the fetcher's before this): NotFound for a page gone, else FetchError."""
    if status in GONE_STATUSES:
        raise NotFound(url, f"HTTP {status}: the page is gone", status=status)
    if status != 200:
        raise FetchError(url, f"HTTP {status}", status=status)


def check_text(url: str, text: str, markers: tuple[str, ...], *, status: int = 200) -> None:
    """Raise Blocked for a challenge page (by the site's `markers` or a generic one), FetchError for an empty one."""
    marker = challenge_marker(text, markers)
    if marker:
        raise Blocked(url, f"anti-bot challenge page (HTTP {status}, marker {marker!r})", status=status)
    if not text.strip():
        raise FetchError(url, f"HTTP {status} with an empty body", status=status)


def challenge_marker(text: str, markers: tuple[str, ...] = ()) -> str | None:
    """The marker that shows `text` is a challenge or rejection page, or None for an ordinary page.

    `markers` are the site's own: text that only its challenge pages hold, counted wherever it appears.
    """
    for marker in markers:
        if marker in text:
            return marker
    if len(text) < SMALL_PAGE_CHARS:
        for marker in GENERIC_SMALL_PAGE_MARKERS:
            if marker in text:
                return marker
    return None
