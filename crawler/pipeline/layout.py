"""Carrying an archive over to the sites' key layouts of today (the archive's side is archive/migrate.py).

A site whose ids run across its collections files every document under one key group (`Site.key_group`);
archives written before filed them under the collection they were reached through. Before a run writes
anything, and in `reindex`, each document of such a site found outside the site's key group is moved, whole,
to the key its site gives its URL now; then the catalog is rebuilt from the files, so a recrawl finds every
document where it looks for it (unchanged, not new). The moves are journaled and resumable: a run killed
halfway moves the rest next time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from archive.errors import ArchiveError
from archive.recorder import Archive
from archive.warcscan import scan_captures
from crawler.sites import SITES
from crawler.sites.base import Site

logger = logging.getLogger(__name__)


@dataclass
class Carried:
    """What a carry-over did: documents moved, and documents left at their old key (with the reason)."""

    moved: int = 0
    problems: list[str] = field(default_factory=list)


def carry_over(archive: Archive, sites: Iterable[Site]) -> Carried:
    """Move every document of `sites` filed under an old key layout to its key of today (writer lock held)."""
    done = Carried()
    for site in sites:
        if not site.key_group:
            continue
        for old in archive.keys_outside(site.name, site.key_group):
            new = _new_key(archive, site, old, done.problems)
            if new is None:
                continue
            if archive.move_document(old, new):
                done.moved += 1
            elif new != old:
                done.problems.append(f"{old}: not moved to {new}, which already holds a document (kept as is)")
    return done


def _new_key(archive: Archive, site: Site, old: str, problems: list[str]) -> str | None:
    """The key `site` gives the URL of the document filed at `old`; None (with a problem) if there is none."""
    try:
        _, version = archive.version(old)
        return site.doc_key(version.release.url)
    except (ArchiveError, ValueError) as exc:
        problems.append(f"{old}: left at its old key: {exc}")
        return None


def carry_over_layout(archive: Archive, names: Iterable[str]) -> None:
    """Before a run of the named sites: carry their old-layout documents over and, if any moved, rebuild the
    catalog so that the run finds them at their new keys. What stays behind is logged as a warning."""
    carried = carry_over(archive, [SITES[n] for n in names if n in SITES])
    if carried.moved:
        logger.warning(
            "moved %d documents to today's key layout (README, Key layout); rebuilding the catalog", carried.moved
        )
        archive.reindex(scan_captures(archive.root))
    for problem in carried.problems:
        logger.warning("%s", problem)
