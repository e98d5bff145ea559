"""Whether a fetched web-archive capture is the release: a pure judgement of the memento the archive served.

A capture becomes a version only if it is the release. The archive answers a timestamp with the nearest
capture it has, which can be of another URL (a captured redirect) or months away: the landing URL must be a
form of the same document and the landing time within a day of the one asked (as EDGI's tools allow), else
it is a `redirect`. Then the site says whether the page is a challenge, a rate-limit page, an error page, a
soft 404 or empty; a page no parser understands is `unparsable`, named by its template hint, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from archive.document import Release
from archive.history import Capture
from crawler.errors import ParseError
from crawler.net.page import Page
from crawler.pipeline.history_find import owner_of
from crawler.pipeline.history_journal import Found
from crawler.sites import cdx
from crawler.sites.base import Site

REDIRECT = "redirect"
# A capture showing the document not there (a captured 404/410, "no such post", the home page at its URL) is
# evidence of a withdrawal seen in the archive; an error page (the site failing) is not.
GONE_REASONS = frozenset({"soft 404"})


@dataclass(frozen=True)
class Verdict:
    """A capture judged: the release it shows, or why it shows none."""

    capture: Capture  # where and when the archive served it from
    original: str = ""  # the URL the capture is of (the Link header's rel="original")
    release: Release | None = None
    reason: str = ""  # the skip reason when there is no release
    hint: str = ""  # the template hint of an unparsable capture

    @property
    def gone(self) -> bool:
        """Whether the capture showed the document removed (a soft 404: a captured 404/410 or the like)."""
        return self.reason in GONE_REASONS

    @property
    def outcome(self) -> str:
        """Its journal outcome (only for a capture that is no release)."""
        if self.hint:
            return f"unparsable:{self.hint}"
        return f"{'gone' if self.gone else 'skip'}:{self.reason}"


def landing(page: Page, asked: datetime) -> tuple[datetime, str]:
    """When and of which URL the capture served was taken: the memento headers first, else its id_ URL."""
    headers = page.headers.multi_items()
    parsed = cdx.parse_memento_url(page.final_url)
    at = cdx.memento_datetime(headers) or (parsed[0] if parsed else asked)
    original = cdx.link_original(headers) or (parsed[1] if parsed else "")
    return at, original


def judge(site: Site, row: Found, page: Page) -> Verdict:
    """What the capture `page`, asked for as `row`, shows of the document."""
    at, original = landing(page, row.at)
    capture = Capture(at=at, url=page.final_url)
    owner = owner_of(original) if original else None
    if owner is None or owner.key != row.key or abs(at - row.at) > cdx.LANDING_TOLERANCE:
        return Verdict(capture, original or row.original, reason=REDIRECT)
    reason = site.classify_capture(page.text, page.status, row.url)
    if reason is None and page.status != 200:  # a captured status the site's own rules did not name
        reason = "soft 404" if page.status in (404, 410) else "error page"
    if reason is not None:
        return Verdict(capture, original, reason=reason)
    try:
        release = site.parse_release(page.text, row.url)
    except ParseError:
        hint = site.template_hint(page.text) or "unknown template"
        return Verdict(capture, original, reason="unparsable", hint=hint)
    if release.key != row.key:  # the page of another document, served at this one's URL
        return Verdict(capture, original, reason=REDIRECT)
    return Verdict(capture, original, release=release)
