"""Block detection: answers that are no usable page, above all anti-bot pages served with HTTP 200.

Which text marks a site's challenge or rejection page is the site's knowledge (`Site.challenge_markers`,
carried here by the `Policy`); this module holds the rule, and only the markers that any site's
JavaScript gate shows.
"""

from __future__ import annotations

# A challenge that needs a browser says so, whoever serves it (F5, Cloudflare, Sucuri alike). A real page
# may say it too, in a <noscript> beside its content: so these count only on a page too small to be one.
GENERIC_SMALL_PAGE_MARKERS = ("Please enable JavaScript", "Please enable Javascript")
SMALL_PAGE_CHARS = 20_000


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
