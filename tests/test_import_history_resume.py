"""import-history killed with SIGKILL and run again: it continues where it stopped, and ends as an uninterrupted
import would; nothing of the killed run is left running."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from dataclasses import replace
from email.utils import format_datetime
from pathlib import Path

from crawler.pipeline.history_journal import HistoryJournal, unstamp
from tests.conftest import FAST_CONFIG
from tests.procs import assert_nothing_left, kill_run, wait_for
from tests.sim_mofa import MofaSim, make_releases, view_page
from tests.simserver import Reply, Request, SimServer

ROOT = Path(__file__).parent.parent
DOCS, CAPTURES = 40, 3


class Tiny:
    """A small web archive: a CDX index answering every capture it holds, and their `id_` mementos."""

    def __init__(self, captures: dict[str, list[tuple[str, int, str]]]) -> None:
        self.captures = captures  # original -> [(ts, status, body)]
        self.requests: list[str] = []
        self.times: list[tuple[float, str, int]] = []  # (monotonic time, target, status answered)
        self.storm_after, self.storm = 0, 0  # after this many captures served, answer this many 429s

    def __call__(self, request: Request) -> Reply:
        self.requests.append(request.target)
        reply = self._answer(request)
        self.times.append((time.monotonic(), request.target, reply.status))
        return reply

    def _answer(self, request: Request) -> Reply:
        served = sum(1 for _, target, status in self.times if target.startswith("/web/") and status == 200)
        if self.storm and served >= self.storm_after and request.path != "/robots.txt":
            self.storm -= 1
            return Reply(429, "<html><body>Too Many Requests</body></html>")  # the archive's own: no memento
        if request.path == "/cdx/search/cdx":
            rows = [["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]]
            for url, caps in self.captures.items():
                for ts, status, body in caps:
                    rows.append(["k", ts, url, "text/html", str(status), hashlib.sha1(body.encode()).hexdigest(), "1"])
            return Reply(200, json.dumps(rows), {"Content-Type": "application/json"})
        if request.path.startswith("/web/"):
            ts, _, original = request.target[len("/web/") :].partition("id_/")
            for t, status, body in self.captures.get(original, []):
                if t == ts:
                    headers = {
                        "Memento-Datetime": format_datetime(unstamp(ts), usegmt=True),
                        "Link": f'<{original}>; rel="original"',
                    }
                    return Reply(status, body, headers)
        return Reply(404, "")


def captures() -> dict[str, list[tuple[str, int, str]]]:
    """DOCS releases captured CAPTURES times each (a day apart), the second capture an edit."""
    found = {}
    for i, rel in enumerate(make_releases(DOCS, start_year=2019, years=1)):
        url = f"https://www.mofa.go.kr/www/brd/m_5676/view.do?seq={rel.seq}"
        edited = replace(rel, title=rel.title + " (corrected)")
        days = [f"2019{(i % 12) + 1:02d}{d + 1:02d}120000" for d in range(CAPTURES)]
        found[url] = [(day, 200, view_page(edited if n else rel)) for n, day in enumerate(days)]
    return found


def files(archive: Path, wayback: str) -> dict[str, str]:
    """Every version file, the simulator's address in Origin named alike (no time of the run is in them:
    Captured is the capture's)."""
    return {
        p.relative_to(archive).as_posix(): p.read_text(encoding="utf-8").replace(wayback, "WAYBACK")
        for p in sorted(archive.rglob("*.txt"))
    }


def command(archive: Path, config: Path, wayback: str, site: str) -> list[str]:
    base = ["--base-url", f"wayback={wayback}", "--base-url", f"mofa={site}"]
    return [sys.executable, "-m", "crawler", "--archive", str(archive), "--config", str(config), *base]


def test_import_killed_and_run_again_equals_an_uninterrupted_one(tmp_path: Path) -> None:
    config = tmp_path / "pressroom.toml"
    # slow enough to be killed in the middle: 120 captures at 40 a second
    config.write_text(FAST_CONFIG.replace("captures_per_second = 10000", "captures_per_second = 40"), encoding="utf-8")
    reference, cut = Tiny(captures()), Tiny(captures())
    with SimServer(reference) as wb, SimServer(MofaSim([])) as site:
        done = subprocess.run(
            [*command(tmp_path / "ref", config, wb.base_url, site.base_url), "import-history", "mofa"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )
        expected = files(tmp_path / "ref", wb.base_url)
    assert done.returncode == 0, done.stderr
    assert f"{DOCS * 2} versions added" in done.stderr
    assert len(expected) == DOCS * 2

    with SimServer(cut) as wb, SimServer(MofaSim([])) as site:
        argv = [*command(tmp_path / "cut", config, wb.base_url, site.base_url), "import-history", "mofa"]
        proc = subprocess.Popen(argv, stderr=subprocess.DEVNULL, cwd=ROOT)
        journals = tmp_path / "cut" / ".import-history"
        wait_for(
            lambda: (
                proc.poll() is not None or any(p.read_text().count("\ndoc\t") >= 10 for p in journals.glob("*.journal"))
            ),
            "10 documents imported",
        )
        started = kill_run(proc)
        assert started, "the run had its fetch process"
        assert_nothing_left(started)
        journal = HistoryJournal.open(next(journals.glob("*.journal")))
        assert 10 <= len(journal.docs) < DOCS, "killed in the middle of the captures"
        before = list(cut.requests)

        again = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=ROOT)
        assert again.returncode == 0, again.stderr
        assert "resuming the import" in again.stderr
        after = cut.requests[len(before) :]
        assert files(tmp_path / "cut", wb.base_url) == expected
    assert not [r for r in after if r.startswith("/cdx/")], "every CDX page was read before the kill"
    fetched_again = {r for r in after if r.startswith("/web/")} & set(before)
    # at most the captures of the documents in hand when it died (the one being imported and those read ahead)
    assert len(fetched_again) <= CAPTURES * 2, fetched_again
    imported_before = {key for key in journal.docs}
    assert not [r for r in fetched_again if any(k.rsplit("/", 1)[-1] in r for k in imported_before)]
