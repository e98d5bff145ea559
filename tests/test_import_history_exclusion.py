"""A CDX 403 (crawler/pipeline/history.py): only one naming the archive's access-control exception means the
target is excluded (named in the summary, nothing to import); any other 403 is a failed query, retried by a rerun."""

from __future__ import annotations

from pathlib import Path

from tests.sim_wayback import EXCLUDED
from tests.simserver import Reply, Request
from tests.test_import_history import REL, World


def refuse_cdx(world: World, body: str) -> None:
    """The archive's CDX index answers 403 with `body` (its captures still served)."""
    answer = world.wayback._answer

    def refusing(request: Request) -> Reply:
        if request.path == "/cdx/search/cdx":
            return Reply(403, body, {"Content-Type": "text/plain"})
        return answer(request)

    world.wayback._answer = refusing  # type: ignore[method-assign]


def test_an_excluded_target_is_named_in_the_summary(tmp_path: Path) -> None:
    with World(tmp_path, live=[]) as world:
        world.capture("20190312094512", REL)
        refuse_cdx(world, EXCLUDED)
        result = world.run("import-history", "mofa", ok=None)
    assert result.exit_code == 0, result.stderr
    assert "is excluded from the archive (AdministrativeAccessControlException)" in result.stderr
    assert "failed" not in result.stderr


def test_a_403_that_names_no_exclusion_is_a_failed_query_a_rerun_retries(tmp_path: Path) -> None:
    with World(tmp_path, live=[]) as world:
        world.capture("20190312094512", REL)
        answer = world.wayback._answer
        refuse_cdx(world, "<html><body>Forbidden by the proxy</body></html>")
        first = world.run("import-history", "mofa", ok=None)
        assert first.exit_code == 1, first.stderr
        assert "failed" in first.stderr and "run again to retry" in first.stderr
        assert "excluded" not in first.stderr
        world.wayback._answer = answer  # type: ignore[method-assign]
        second = world.run("import-history", "mofa", ok=None)
    assert second.exit_code == 0, second.stderr
    assert "1 version added" in second.stderr
