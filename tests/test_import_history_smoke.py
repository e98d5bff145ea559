"""SCRATCH smoke test of import-history against a tiny web archive (until tests/sim_wayback.py lands)."""

from __future__ import annotations

import json
from dataclasses import replace
from email.utils import format_datetime
from pathlib import Path

from crawler.pipeline.history_journal import unstamp
from tests.conftest import Pressroom
from tests.sim_mofa import MofaSim, make_releases, view_page
from tests.simserver import Reply, Request, SimServer


class Tiny:
    def __init__(self, captures: dict[str, list[tuple[str, int, str]]]) -> None:
        self.captures = captures  # original -> [(ts, status, body)]
        self.requests: list[str] = []

    def __call__(self, request: Request) -> Reply:
        self.requests.append(request.target)
        if request.path == "/cdx/search/cdx":
            rows = [["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]]
            for url, caps in self.captures.items():
                for ts, status, body in caps:
                    rows.append(["k", ts, url, "text/html", str(status), str(hash(body)), "1"])
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


def test_smoke(tmp_path: Path, config_file: Path) -> None:
    rel = make_releases(1, start_year=2019, years=1)[0]
    url = f"https://www.mofa.go.kr/www/brd/m_5676/view.do?seq={rel.seq}"
    edited = replace(rel, title=rel.title + " (corrected)")
    tiny = Tiny(
        {
            url: [
                ("20190312094512", 200, view_page(rel)),
                ("20190501000000", 200, view_page(edited)),
                ("20190601000000", 200, ""),
            ]
        }
    )
    live = MofaSim([])
    with SimServer(tiny) as wb, SimServer(live) as site:
        run = Pressroom(tmp_path / "a", config_file, {"wayback": wb.base_url, "mofa": site.base_url})
        result = run("import-history", "mofa", ok=None)
        print(result.stderr)
        result2 = run("history", f"mofa.go.kr/m_5676/{rel.seq}", ok=None)
        print(result2.output)
    assert result.exit_code == 0
