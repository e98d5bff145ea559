"""import-history on a real full disk (a small tmpfs): one line per document it could not keep, exit 1, nothing
archived before changed, nothing corrupt; once space is freed the same command completes the import."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import FAST_CONFIG
from tests.sim_mofa import MofaSim, make_releases, view_page
from tests.simserver import SimServer
from tests.test_fulldisk import check_intact, fill, long_body, small_disk, versions
from tests.test_import_history_resume import Tiny

ROOT = Path(__file__).parent.parent
LEFT_FREE = 300_000  # bytes left for the import: a few documents' versions and captures

__all__ = ["small_disk"]  # the fixture, used by name

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root (CI runs as root)")


def captures(count: int) -> dict[str, list[tuple[str, int, str]]]:
    """`count` releases with long bodies, each captured twice with an edit between."""
    rng = random.Random(16)
    found = {}
    for i, rel in enumerate(make_releases(count, start_year=2019, years=1)):
        rel = replace(rel, body=long_body(rng))
        edited = replace(rel, title=rel.title + " (corrected)")
        url = f"https://www.mofa.go.kr/www/brd/m_5676/view.do?seq={rel.seq}"
        found[url] = [
            (f"2019{i % 12 + 1:02d}01120000", 200, view_page(rel)),
            (f"2020{i % 12 + 1:02d}01120000", 200, view_page(edited)),
        ]
    return found


def test_an_import_that_fills_the_disk(tmp_path: Path, small_disk: Path) -> None:
    config = tmp_path / "pressroom.toml"
    config.write_text(FAST_CONFIG, encoding="utf-8")
    archive = small_disk / "archive"
    tiny = Tiny(captures(40))
    first_ten = dict(list(tiny.captures.items())[:10])
    with SimServer(tiny) as wb, SimServer(MofaSim([])) as site:
        cmd = [sys.executable, "-m", "crawler", "--archive", str(archive), "--config", str(config),
               "--base-url", f"wayback={wb.base_url}", "--base-url", f"mofa={site.base_url}"]  # fmt: skip

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [*cmd, "import-history", *args], capture_output=True, text=True, timeout=120, cwd=ROOT
            )

        all_captures = tiny.captures
        tiny.captures = first_ten
        first = run("mofa")
        assert first.returncode == 0, first.stderr
        before = versions(archive)
        assert len(before) == 20
        tiny.captures = all_captures
        filler = fill(small_disk, LEFT_FREE)

        asked = len(tiny.requests)
        full = run("mofa")
        assert full.returncode == 1, full.stderr
        # The disk filled within the first documents: the import stops fetching rather than ask the web archive
        # for 60 captures it cannot keep (a few were on their way when it filled).
        fetched = sum(1 for target in tiny.requests[asked:] if target.startswith("/web/"))
        assert fetched < 30, f"{fetched} captures fetched after the disk was full"
        assert "stopped fetching captures; free some space and run the same command again" in full.stderr
        assert "Traceback" not in full.stderr
        one_liners = (
            r"(captured|withdrawn|failed|captures lost) \S+ .*|\S+: the captures could not be imported: .*"
            r"|cannot .*: .*|web archive: .*|requests: .*|live check of .*|run 2: .*|import: \d+/\d+ done.*"
            r"|the last import with these arguments completed .*|the archive's disk is full \(.*\): stopped .*"
        )
        assert [line for line in full.stderr.splitlines() if not re.fullmatch(one_liners, line)] == []
        assert "No space left on device" in full.stderr or "database or disk is full" in full.stderr
        assert versions(archive).items() >= before.items(), "every version archived before is byte-identical"
        check_intact(archive)

        filler.unlink()
        freed = run("mofa")
        assert freed.returncode == 0, freed.stderr
    assert "Traceback" not in freed.stderr
    after = versions(archive)
    assert len(after) == 80, "every text of every release is archived in the end"
    assert after.items() >= before.items()
    check_intact(archive)
