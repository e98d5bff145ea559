"""mofa.go.kr as SITES.md describes it: cookie gate, list pages with page/srchFr/srchTo, view pages whose
hit counter grows on every request, and switches to edit, remove or restore a release between runs."""

from __future__ import annotations

import itertools
import re
import time
from collections import Counter
from dataclasses import replace

from tests.simserver import Reply, Request
from tests.sitegen.mofa import MofaRelease, list_page
from tests.sitegen.mofa import view_page as ministry_view_page
from tests.sitegen.mofa_mission import mission_view_page

PER_PAGE = 10
GATE_COOKIE = "TMOSHCooKie"
_HITS_MARK = 987654321  # rendered in place of the hit counter in a cached page, replaced per request


class MofaSim:
    """The simulated site; mutate it between runs."""

    def __init__(
        self,
        releases: list[MofaRelease],
        *,
        gate: bool = True,
        pinned: int | None = None,
        robots: str | None = "User-agent: *\nAllow: /\n",
    ) -> None:
        self.releases = {(r.collection, r.seq): r for r in releases}  # a mission's: ("ca-toronto-ko/m_5389", seq)
        self.gate = gate
        self.pinned = pinned  # seq of a notice pinned on top of every list page
        self.robots = robots
        self.removed: set[int] = set()
        self.hits: Counter[int] = Counter()
        self.views: Counter[int] = Counter()
        self.failures: dict[str, list[Reply]] = {}  # path prefix -> replies to give before the real one
        self.delay = 0.0  # seconds each view page takes (a slow site)
        self._cookies = itertools.count(1)
        self._pages: dict[tuple[str, int], tuple[MofaRelease, bytes]] = {}  # rendered once per release state
        # (seq, file_seq) -> the file's bytes, or the reply to give instead; by default a release's Nth
        # attachment is served as a few bytes naming it.
        self.files: dict[tuple[int, int], bytes | Reply] = {}
        self.downloads: Counter[tuple[int, int]] = Counter()

    def prerender(self) -> None:
        """Render every view page now (the benchmark does this so the timed crawl pays only for serving)."""
        for (board, seq), rel in self.releases.items():
            self._pages[(board, seq)] = (rel, view_page(rel, _HITS_MARK).encode("utf-8"))

    def edit(self, seq: int, board: str = "m_5676", **changes: object) -> None:
        """Change a release as the ministry would."""
        self.releases[(board, seq)] = replace(self.releases[(board, seq)], **changes)  # type: ignore[arg-type]

    def remove(self, seq: int) -> None:
        self.removed.add(seq)

    def restore(self, seq: int) -> None:
        self.removed.discard(seq)

    def fail_next(self, path: str, *replies: Reply) -> None:
        """Answer the next requests whose path starts with `path` with these replies."""
        self.failures.setdefault(path, []).extend(replies)

    def __call__(self, request: Request) -> Reply:
        for prefix, replies in self.failures.items():
            if request.target.startswith(prefix) and replies:
                return replies.pop(0)
        if request.path == "/robots.txt":
            if self.robots is None:
                return Reply(404, "not found")
            return Reply(200, self.robots, {"Content-Type": "text/plain"})
        if self.gate and request.cookie(GATE_COOKIE) is None:
            # The cookie gate: a 307 to the same URL that sets the cookie, empty body, connection closed.
            n = next(self._cookies)
            return Reply(
                307,
                b"",
                {
                    "Location": request.target,
                    "Set-Cookie": f"{GATE_COOKIE}=gate{n}; Path=/",
                    "Content-Type": "text/html",
                },
                close=True,
            )
        if re.fullmatch(r"/(eng|www|[a-z]{2}(?:-[a-z0-9]+)*-[a-z]{2})/brd/m_[0-9]+/down\.do", request.path):
            return self._download(request)
        match = re.fullmatch(
            r"/(eng|www|[a-z]{2}(?:-[a-z0-9]+)*-[a-z]{2})/brd/(m_[0-9]+)/(list|view)\.do", request.path
        )
        if not match:
            return Reply(404, "<html><body>Not found</body></html>")
        board = match[2] if match[1] in ("eng", "www") else f"{match[1]}/{match[2]}"
        kind = match[3]
        return self._list(board, request) if kind == "list" else self._view(board, request)

    def _list(self, board: str, request: Request) -> Reply:
        page = int(request.query.get("page") or 1)
        since, until = request.query.get("srchFr", ""), request.query.get("srchTo", "")
        rows = sorted(
            (r for (b, s), r in self.releases.items() if b == board and s not in self.removed and s != self.pinned),
            key=lambda r: r.seq,
            reverse=True,
        )
        if since:
            rows = [r for r in rows if r.date[:10].replace("-", "") >= since]
        if until:
            rows = [r for r in rows if r.date[:10].replace("-", "") <= until]
        pages = max(1, -(-len(rows) // PER_PAGE))
        chunk = rows[(page - 1) * PER_PAGE : page * PER_PAGE]
        pinned = [self.releases[(board, self.pinned)]] if self.pinned and (board, self.pinned) in self.releases else []
        html = list_page(
            board, chunk, number_from=len(rows) - (page - 1) * PER_PAGE, pinned=pinned, page_no=page, pages=pages
        )
        return Reply(200, html)

    def _view(self, board: str, request: Request) -> Reply:
        seq_text = request.query.get("seq", "")
        rel = self.releases.get((board, int(seq_text))) if seq_text.isdigit() else None
        if rel is None or rel.seq in self.removed:
            return Reply(404, "<html><body><h1>404</h1></body></html>")
        self.hits[rel.seq] += 1
        self.views[rel.seq] += 1
        if self.delay:
            time.sleep(self.delay)
        cached = self._pages.get((board, rel.seq))
        if cached is None or cached[0] is not rel:  # an edit replaces the release object
            self._pages[(board, rel.seq)] = cached = (rel, view_page(rel, _HITS_MARK).encode("utf-8"))
        return Reply(200, cached[1].replace(b"%d" % _HITS_MARK, b"%d" % (rel.hits + self.hits[rel.seq])))

    def _download(self, request: Request) -> Reply:
        """down.do?brd_id=…&seq=…&data_tp=A&file_seq=N: the file, as the board engine sends it."""
        seq, n = (int(request.query.get(k) or 0) for k in ("seq", "file_seq"))
        self.downloads[(seq, n)] += 1
        served = self.files.get((seq, n))
        if served is None and any(r.seq == seq and n <= len(r.attachments) for r in self.releases.values()):
            served = f"%PDF-1.4 attachment {n} of release {seq}\n".encode()
        if isinstance(served, Reply):
            return served
        if served is None:
            return Reply(404, "<html><body><h1>404</h1></body></html>")
        return Reply(200, served, {"Content-Type": "application/octet-stream"})


def view_page(rel: MofaRelease, hits: int | None = None) -> str:
    """A release's view page: the ministry's skin, or the missions' one for a mission's board."""
    return mission_view_page(rel) if rel.mission else ministry_view_page(rel, hits)


def make_releases(
    count: int, *, board: str = "m_5676", start_seq: int = 320000, start_year: int = 2020, years: int = 5
) -> list[MofaRelease]:
    """`count` distinct releases spread over `years` years, oldest first."""
    out = []
    templates = ("se", "plain", "br", "se")
    for i in range(count):
        day = i * (365 * years) // max(1, count)
        year, rest = divmod(day, 365)
        month, mday = divmod(rest, 28)
        date = f"{start_year + year:04d}-{min(12, month + 1):02d}-{mday + 1:02d}"
        out.append(
            MofaRelease(
                seq=start_seq + i * 3,
                title=f"Outcome of Consultation No. {i + 1} on Bilateral Cooperation",
                date=date,
                body=[
                    f"1. Deputy Minister held consultation No. {i + 1} with a counterpart on {date}.",
                    "\u00b0 The two sides reviewed cooperation in trade, energy and culture.",
                    f"2. They agreed to meet again in {start_year + year + 1}.",
                    "* unofficial translation",
                ],
                board=board,
                template=templates[i % len(templates)],
            )
        )
    return out
