"""The archive's record of the web-archive captures judged not to be the release, read by every import.

A capture that is a challenge, a rate-limit page, an error page, a soft 404, empty, a redirect, not played
back or unparsable stays so: the web archive never changes what it stored at a timestamp. So the judgement
is kept per capture (its 14-digit time and the URL captured), archive-wide, in one append-only file under
<archive>/.import-history/, and no later import fetches that capture again, whatever its arguments (another
date range, a document after its site, one site after another holding the same URLs). One line a capture,
tab-separated:

    time <TAB> original-url <TAB> key <TAB> outcome <TAB> capture-url

A failure to fetch (the network, a 5xx) is no judgement and is never recorded here. A torn last line (a kill
-9 while writing) is ignored; each append is fsynced before the import goes on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from crawler.pipeline.history_journal import JOURNAL_DIR, Judged, stamp
from crawler.pipeline.journalfile import append_lines

logger = logging.getLogger(__name__)

JUDGED_FILE = "judged-captures.tsv"


@dataclass
class JudgedCaptures:
    """The captures judged no release by any earlier import of the archive, by (time, URL captured)."""

    path: Path
    judged: dict[tuple[str, str], Judged] = field(default_factory=dict)

    @classmethod
    def open(cls, root: Path) -> JudgedCaptures:
        """Read the record of the archive at `root` (empty when no import judged anything yet)."""
        record = cls(root / JOURNAL_DIR / JUDGED_FILE)
        if not record.path.exists():
            return record
        for line in record.path.read_text(encoding="utf-8").split("\n")[:-1]:  # the last piece: "" or torn
            fields = line.split("\t")
            if len(fields) == 5:
                record.judged[(fields[0], fields[1])] = Judged(fields[3], fields[4])
            else:
                logger.debug("%s: unreadable line %r", record.path, line[:200])
        return record

    def get(self, at: datetime, original: str) -> Judged | None:
        """The judgement of the capture of `original` taken at `at`, if an import made one."""
        return self.judged.get((stamp(at), original))

    def record(self, at: datetime, original: str, key: str, outcome: str, capture_url: str) -> None:
        """Keep the judgement of a capture that is no release (fsynced before it returns)."""
        if (stamp(at), original) in self.judged:
            return
        append_lines(self.path, [f"{stamp(at)}\t{original}\t{key}\t{outcome}\t{capture_url}"], "import")
        self.judged[(stamp(at), original)] = Judged(outcome, capture_url)
