"""Re-extraction: the current parsers over the stored raw captures, offline."""

from __future__ import annotations

import logging
from collections import Counter

from archive.errors import ArchiveError
from archive.recorder import Archive
from archive.warcscan import read_response
from crawler.errors import ParseError
from crawler.net.charset import decode_html
from crawler.pipeline.layout import carry_over_layout
from crawler.sites.base import Site

logger = logging.getLogger(__name__)


def reextract(archive: Archive, sites: list[Site]) -> Counter[str]:
    """Parse the newest whole capture of every document of `sites` again; count what happened."""
    counts: Counter[str] = Counter()
    carry_over_layout(archive, [s.name for s in sites])  # documents of an old key layout move first
    with archive.run("reextract", [s.name for s in sites], counts=lambda: counts) as run:
        for site in sites:
            _reextract_site(archive, site, run.id, counts)
        run.status = "partial" if counts["failed"] else "ok"
    for problem in run.problems:
        logger.error("%s", problem)
    return counts


def _reextract_site(archive: Archive, site: Site, run_id: int, counts: Counter[str]) -> None:
    """Re-extract the documents of one site, counting into `counts`."""
    for doc in archive.documents(site.name):
        capture = archive.latest_capture(doc.key)
        if capture is None:
            counts["no capture"] += 1
            continue
        try:
            raw = read_response(archive.root, capture.warc, capture.offset)
            text, _ = decode_html(raw.body, raw.content_type, site.legacy_charsets)  # as the crawl does
            release = site.parse_release(text, doc.url)
            outcome = archive.record(release, run_id=run_id, origin=f"re-extraction of the capture of {capture.at}")
        except (OSError, ValueError, ParseError, ArchiveError) as exc:
            logger.error("failed %s: %s", doc.key, exc)
            counts["failed"] += 1
            continue
        counts[outcome.kind] += 1
        if outcome.kind != "unchanged":
            logger.info("reextracted %s v%d", doc.key, outcome.version)
