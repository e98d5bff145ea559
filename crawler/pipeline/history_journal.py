"""The journal of a history import, so that a kill -9 and a rerun continue where it stopped.

One append-only file under <archive>/.import-history/, one line a record, fsynced, tab-separated:

    row <TAB> site <TAB> key <TAB> url <TAB> time <TAB> original <TAB> digest
                                        a capture the CDX index listed for a document (on the page being read)
    query <TAB> query-id <TAB> next-url a CDX page is complete; next-url is "" when the query is done
    capture <TAB> key <TAB> time <TAB> outcome <TAB> capture-url
                                        a capture fetched and judged: `skip:<reason>`, `gone:<reason>` (it
                                        showed the document removed) or `unparsable:<template hint>`
    doc <TAB> key <TAB> summary         the document's captures are imported (until a later page lists another)
    live <TAB> key <TAB> kind           the document, known only from the web archive, was visited live
    visits <TAB> done                   every such live visit is made: the import is complete

Rows after the last `query` line belong to a page that did not complete and are dropped on resume (the page
is read again); a torn last line is ignored. So after a kill -9, no completed CDX page, no capture judged
not to be the release and no imported document is fetched again; the good captures of the one document in
hand are (its import is one step).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from crawler.pipeline.journalfile import append_lines

logger = logging.getLogger(__name__)

JOURNAL_DIR = ".import-history"
TIMESTAMP = "%Y%m%d%H%M%S"  # the web archive's 14-digit UTC timestamps


def stamp(at: datetime) -> str:
    """A UTC time as the web archive's 14-digit timestamp."""
    return at.astimezone(UTC).strftime(TIMESTAMP)


def unstamp(text: str) -> datetime:
    """A 14-digit timestamp as a UTC time (ValueError when it is not one)."""
    return datetime.strptime(text, TIMESTAMP).replace(tzinfo=UTC)


def unstamp_any(text: str) -> datetime:
    """A time as the archive records it (ISO 8601) or as the web archive writes it (14 digits), in UTC."""
    if text.isdigit():
        return unstamp(text)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Found:
    """One capture of a document as the CDX index listed it."""

    site: str  # the site the captured URL belongs to
    key: str  # the document's archive key
    url: str  # the document's canonical URL
    at: datetime  # the capture time (UTC)
    original: str  # the URL as captured (one of the document's URL forms)
    digest: str  # the archive's digest of the body it stored (adjacent repeats are one text)

    def line(self) -> str:
        """Its journal line."""
        fields = (self.site, self.key, self.url, stamp(self.at), self.original, self.digest)
        return "row\t" + "\t".join(fields)


@dataclass(frozen=True)
class Judged:
    """A capture fetched and judged not to be a version: why, and the URL it was read from."""

    outcome: str  # skip:<reason> | gone:<reason> | unparsable:<hint>
    capture_url: str


@dataclass
class HistoryJournal:
    """The state of one import, rebuilt from its journal file."""

    path: Path
    rows: dict[tuple[str, datetime, str], Found] = field(default_factory=dict)  # (key, time, original) -> row
    next_url: dict[str, str] = field(default_factory=dict)  # query id -> next CDX page ("" when done)
    judged: dict[tuple[str, datetime], Judged] = field(default_factory=dict)  # (key, capture time) -> outcome
    docs: dict[str, str] = field(default_factory=dict)  # key -> summary of its import
    live: dict[str, str] = field(default_factory=dict)  # key -> kind of its live visit
    visits_done: bool = False  # the live visits ended (not cut by a stop): the last phase of an import

    @classmethod
    def open(cls, path: Path) -> HistoryJournal:
        """Read an existing journal (or start an empty one)."""
        journal = cls(path)
        if not path.exists():
            return journal
        pending: list[Found] = []
        for line in path.read_text(encoding="utf-8").split("\n")[:-1]:  # the last piece is "" or a torn line
            journal._replay(line.split("\t"), pending)
        return journal

    def _replay(self, fields: list[str], pending: list[Found]) -> None:
        kind, rest = fields[0], fields[1:]
        try:
            if kind == "row" and len(rest) == 6:
                pending.append(Found(rest[0], rest[1], rest[2], unstamp(rest[3]), rest[4], rest[5]))
            elif kind == "query" and len(rest) == 2:
                self.next_url[rest[0]] = rest[1]
                self._keep_rows(pending)
                pending.clear()
            elif kind == "capture" and len(rest) == 4:
                self.judged[(rest[0], unstamp(rest[1]))] = Judged(rest[2], rest[3])
            elif kind == "doc" and len(rest) == 2:
                self.docs[rest[0]] = rest[1]
            elif kind == "live" and len(rest) == 2:
                self.live[rest[0]] = rest[1]
            elif kind == "visits" and rest == ["done"]:
                self.visits_done = True
        except ValueError:  # a line this version cannot read: what it recorded is done again
            logger.debug("journal %s: unreadable line %r", self.path, "\t".join(fields)[:200])

    def _keep_rows(self, rows: list[Found]) -> None:
        for row in rows:
            if (row.key, row.at, row.original) in self.rows:
                continue
            self.rows[(row.key, row.at, row.original)] = row
            # a capture found after its document was imported (a failed query read again): import it too
            self.docs.pop(row.key, None)

    def _append(self, lines: list[str]) -> None:
        append_lines(self.path, lines, "import")

    def page(self, query: str, rows: list[Found], next_url: str | None) -> None:
        """Record a completed CDX page and the captures it listed."""
        self._append([row.line() for row in rows] + [f"query\t{query}\t{next_url or ''}"])
        self._keep_rows(rows)
        self.next_url[query] = next_url or ""

    def judge(self, key: str, at: datetime, outcome: str, capture_url: str) -> None:
        """Record that a capture is not a version of the document, and why."""
        self._append([f"capture\t{key}\t{stamp(at)}\t{outcome}\t{capture_url}"])
        self.judged[(key, at)] = Judged(outcome, capture_url)

    def carry(self, judged: dict[tuple[str, datetime], Judged]) -> None:
        """Start with what an earlier, completed import judged: a capture that is no release stays one."""
        lines = [f"capture\t{k}\t{stamp(at)}\t{j.outcome}\t{j.capture_url}" for (k, at), j in judged.items()]
        if lines:
            self._append(lines)
        self.judged.update(judged)

    def imported(self, key: str, summary: str) -> None:
        """Record that a document's captures are imported."""
        self._append([f"doc\t{key}\t{summary}"])
        self.docs[key] = summary

    def visited(self, key: str, kind: str) -> None:
        """Record the live visit of a document known only from the web archive."""
        self._append([f"live\t{key}\t{kind}"])
        self.live[key] = kind

    def all_visited(self) -> None:
        """Record that the live visits ended: the import is complete."""
        self._append(["visits\tdone"])
        self.visits_done = True

    def by_document(self) -> dict[str, list[Found]]:
        """The rows found, per document (in the order documents were first found), each list by time."""
        grouped: dict[str, list[Found]] = {}
        for row in self.rows.values():
            grouped.setdefault(row.key, []).append(row)
        return {key: sorted(rows, key=lambda r: (r.at, r.original)) for key, rows in grouped.items()}

    def discovered(self, queries: list[str]) -> bool:
        """Whether every one of these CDX queries was read to its end."""
        return all(self.next_url.get(q) == "" for q in queries)

    def complete(self, queries: list[str]) -> bool:
        """Whether every query was read, every document found imported and the live visits made (a run
        stopped in them resumes them, not the CDX queries)."""
        if not (self.visits_done and self.discovered(queries)):
            return False
        return all(key in self.docs for key in self.by_document())


def journal_path(root: Path, targets: list[str], since: str, until: str) -> Path:
    """Where the journal of an import with these arguments lives (same arguments, same journal)."""
    scope = hashlib.sha256("\n".join([*sorted(targets), since, until]).encode()).hexdigest()[:12]
    return root / JOURNAL_DIR / f"{scope}.journal"
