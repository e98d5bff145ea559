"""Several captures of one day: each text is fetched, so a challenge page first that day hides no release and a
same-day correction is a version."""

from __future__ import annotations

from pathlib import Path

from tests.sim_mofa import view_page
from tests.test_import_history import EDITED, KEY, REL, URL, World
from tests.wayback_scenarios import CF_CHALLENGE


def versions(world: World) -> list[str]:
    return sorted(p.name[:3] for p in (world.tmp_path / "a" / KEY).glob("*.txt"))


def test_a_challenge_captured_first_that_day_does_not_hide_the_release(tmp_path: Path) -> None:
    with World(tmp_path, live=[]) as world:
        world.wayback.captures[URL] = [("20190312080000", 200, CF_CHALLENGE)]
        world.capture("20190312120000", REL)
        result = world.run("import-history", "mofa", ok=None)
        assert result.exit_code == 0, result.stderr
        assert "1 challenge" in result.stderr and "1 version added" in result.stderr, result.stderr
        assert versions(world) == ["001"]
        assert "Captured: 2019-03-12T12:00:00Z" in next((world.tmp_path / "a" / KEY).glob("001*.txt")).read_text()


def test_a_same_day_correction_is_a_version(tmp_path: Path) -> None:
    with World(tmp_path, live=[]) as world:
        world.capture("20190312080000", REL)
        world.capture("20190312200000", EDITED)
        world.wayback.captures[URL].append(("20190312210000", 200, view_page(EDITED)))  # the same text again
        result = world.run("import-history", "mofa", ok=None)
        assert result.exit_code == 0, result.stderr
        assert versions(world) == ["001", "002"]
        assert world.captures_fetched() == 2, "the same text again is not fetched"
