"""import-history on the web-archive scenarios (tests/wayback_scenarios.py) with live sites that still serve what
the ministries still publish: only the releases gone from the live site and seen gone in the archive are
withdrawn, each event between captures names both, a second import adds nothing and reindex rebuilds the same.
(tests/test_import_history_scenarios.py checks the versions, sightings and skips of the same scenarios.)"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from archive.history import parse_detail
from archive.recorder import Archive
from tests.conftest import MID_CONFIG, Pressroom
from tests.sim_mid import MidSim, OldMidSim
from tests.sim_mofa import MofaSim
from tests.sim_wayback import WaybackSim
from tests.simserver import SimServer
from tests.sitegen.mid import MidArticle, OldArticle
from tests.sitegen.mofa import MofaRelease
from tests.wayback_scenarios import Scenario, mid, mofa


@dataclass
class World:
    """A scenario served: the web archive, the live sites, and the CLI against them."""

    scenario: Scenario
    wayback: WaybackSim
    run: Pressroom
    root: Path

    def archive(self) -> Archive:
        return Archive(self.root)


@pytest.fixture(params=[mofa, mid], ids=["mofa", "mid"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    scenario: Scenario = request.param()
    live = scenario.live.values()
    config = tmp_path / "pressroom.toml"
    config.write_text(MID_CONFIG, encoding="utf-8")  # fast settings for every site and the web archive
    with ExitStack() as stack:
        wayback = scenario.sim()
        servers = {
            "wayback": stack.enter_context(SimServer(wayback)),
            "mofa": stack.enter_context(SimServer(MofaSim([r for r in live if isinstance(r, MofaRelease)]))),
            "mid": stack.enter_context(SimServer(MidSim([a for a in live if isinstance(a, MidArticle)]))),
            "archive.mid.ru": stack.enter_context(SimServer(OldMidSim([a for a in live if isinstance(a, OldArticle)]))),
        }
        run = Pressroom(tmp_path / "a", config, {name: server.base_url for name, server in servers.items()})
        yield World(scenario, wayback, run, tmp_path / "a")


def _skipped(stderr: str) -> Counter[str]:
    """The run summary's `skipped: 2 redirect, 1 challenge, ...` line as counts by reason."""
    line = next((line for line in stderr.splitlines() if line.startswith("skipped: ")), "skipped: ")
    return Counter({reason: int(n) for n, reason in re.findall(r"(\d+) ([^,]+)", line.removeprefix("skipped: "))})


def _state(archive: Archive, keys: list[str]) -> dict[str, object]:
    """What the archive says of each document: sightings, versions by first sighting, capture events, status."""
    state: dict[str, object] = {}
    for key in keys:
        events = [(o.kind, o.at, o.detail) for o in archive.observations(key) if o.kind.startswith("capture_")]
        state[key] = (
            [(s.at, s.version, s.source, s.url) for s in archive.timeline(key)],
            [(v.number, v.first_seen) for v in archive.seen_versions(key)],
            sorted(events),
            archive.document(key).status,  # type: ignore[union-attr]
        )
    return state


def test_only_what_the_live_site_lost_is_withdrawn_and_events_name_both_captures(world: World) -> None:
    scenario = world.scenario
    result = world.run("import-history", *scenario.doc_args, ok=None)
    assert result.exit_code == 0, result.stderr
    archive = world.archive()
    for key, doc in scenario.docs.items():
        assert (archive.document(key).status == "withdrawn") is doc.withdrawn, key  # type: ignore[union-attr]
        events = [(o.kind, parse_detail(o.detail)) for o in archive.observations(key) if o.kind.startswith("capture_")]
        got = [(kind, d.before_at, d.after_at) for kind, d in events if d is not None]
        assert len(got) == len(events), key
        assert sorted(got) == sorted(
            (e.kind, f"{e.since:%Y-%m-%dT%H:%M:%SZ}", f"{e.at:%Y-%m-%dT%H:%M:%SZ}") for e in doc.events
        ), key


def test_a_second_import_and_a_reindex_change_nothing(world: World) -> None:
    keys = list(world.scenario.docs)
    world.run("import-history", *world.scenario.doc_args)
    before = _state(world.archive(), keys)
    files = sorted(world.root.rglob("[0-9][0-9][0-9]_*.txt"))
    again = world.run("import-history", *world.scenario.doc_args)
    assert "0 versions added, 0 sightings, 0 events" in again.stderr
    assert sorted(world.root.rglob("[0-9][0-9][0-9]_*.txt")) == files
    assert _state(world.archive(), keys) == before
    world.run("reindex")
    assert _state(world.archive(), keys) == before
