"""The journal of import-history across runs: what a rerun asks the web archive again (a completed import is
asked again from the start, a stopped one resumes where it stopped)."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from crawler.sites.cdx import url_key
from tests.conftest import FAST_CONFIG
from tests.procs import assert_nothing_left, descendants
from tests.sim_mofa import MofaSim
from tests.simserver import Reply, Request, SimServer
from tests.test_import_history import EDITED, KEY, REL, URL, World
from tests.test_import_history_resume import DOCS, ROOT, Tiny, captures, command


def test_an_import_that_found_nothing_asks_again_and_finds_a_capture_added_since(tmp_path: Path) -> None:
    with World(tmp_path, live=[]) as world:
        first = world.run("import-history", "mofa", ok=None)
        assert first.exit_code == 0, first.stderr
        assert "0 versions added" in first.stderr
        asked = len(world.wayback.requests)

        world.capture("20190312094512", REL)  # the archive captured it since
        again = world.run("import-history", "mofa", ok=None)
        assert again.exit_code == 0, again.stderr
        assert "resuming the import" not in again.stderr
        assert [r for r in world.wayback.requests[asked:] if r.startswith("/cdx/")], "the CDX is asked again"
        assert "1 version added" in again.stderr, again.stderr
        assert [p.name[:3] for p in (world.tmp_path / "a" / KEY).glob("*.txt")] == ["001"]


def test_a_stop_during_the_live_visits_resumes_them_without_reading_the_cdx_again(tmp_path: Path) -> None:
    tiny, live = Tiny(captures()), MofaSim([])
    reached, release = threading.Event(), threading.Event()

    def site(request: Request) -> Reply:
        if "view.do" in request.target and not release.is_set():
            reached.set()  # the first live visit: held until the test has signalled
            release.wait(60)
        return live(request)

    config = tmp_path / "pressroom.toml"
    config.write_text(FAST_CONFIG, encoding="utf-8")
    with SimServer(tiny) as wb, SimServer(site) as web:
        argv = [*command(tmp_path / "a", config, wb.base_url, web.base_url), "import-history", "mofa"]
        proc = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        try:
            assert reached.wait(60), "the import never reached its live visits"
            children = descendants(proc.pid)
            proc.send_signal(signal.SIGINT)
            release.set()
            stderr = proc.communicate(timeout=60)[1]
        finally:
            release.set()
            proc.kill()
        assert proc.returncode == 130, stderr
        assert_nothing_left(children)
        assert f"{DOCS} of the {DOCS} documents found are imported; run the same command again" in stderr
        before = len(tiny.requests)

        again = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert again.returncode == 0, again.stderr
    assert "resuming the import" in again.stderr
    assert tiny.requests[before:] == [], "neither the CDX nor a capture is read again"
    assert re.search(r"live check of mofa.go.kr: [1-9]\d* withdrawn", again.stderr), again.stderr
    assert len({r.target for r in web.server.log if "view.do" in r.target}) == DOCS, "each document visited live"


def test_captures_a_failed_cdx_query_finds_on_the_rerun_are_imported(tmp_path: Path) -> None:
    overseas = URL.replace("https://www.", "https://overseas.")
    failing = [True]
    with World(tmp_path, live=[]) as world:
        world.capture("20190101000000", REL)
        world.capture("20190601000000", EDITED, url=overseas)
        tiny = world.wayback
        answer = tiny._answer

        def failing_overseas(request: Request) -> Reply:
            if request.path == "/cdx/search/cdx":
                asked = parse_qs(urlsplit(request.target).query)["url"][0]
                if failing[0] and asked.startswith("overseas"):
                    return Reply(404, "no such index")  # a failure not retried, as a 504 after every try
                rows = json.loads(answer(request).body)
                mine = [r for r in rows[1:] if url_key(r[2]).startswith(url_key(asked.rstrip("*")))]
                return Reply(200, json.dumps([rows[0], *mine]), {"Content-Type": "application/json"})
            return answer(request)

        tiny._answer = failing_overseas  # type: ignore[method-assign]
        first = world.run("import-history", "mofa", ok=None)
        assert first.exit_code == 1 and "(run again to retry)" in first.stderr, first.stderr
        assert [p.name[:3] for p in (world.tmp_path / "a" / KEY).glob("*.txt")] == ["001"]

        failing[0] = False
        again = world.run("import-history", "mofa", ok=None)
    assert again.exit_code == 0, again.stderr
    assert "resuming the import" in again.stderr
    assert "1 event between captures" in again.stderr, again.stderr
    assert sorted(p.name[:3] for p in (world.tmp_path / "a" / KEY).glob("*.txt")) == ["001", "002"]
