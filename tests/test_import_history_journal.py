"""The journal of import-history across runs: what a rerun asks the web archive again (a completed import is
asked again from the start, a stopped one resumes where it stopped)."""

from __future__ import annotations

from pathlib import Path

from tests.test_import_history import KEY, REL, World


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
        assert "1 versions added" in again.stderr or "1 version added" in again.stderr, again.stderr
        assert [p.name[:3] for p in (world.tmp_path / "a" / KEY).glob("*.txt")] == ["001"]
