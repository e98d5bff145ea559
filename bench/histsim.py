"""The bench's web archive and live site: the shared bulk scenario of mofa.go.kr releases.

`tests.wayback_scenarios.bulk(n, k)`: n mofa.go.kr releases captured k times each, a day apart, a new text every
other capture, served by the web-archive simulator (`tests.sim_wayback.WaybackSim`: the CDX index and `id_`
mementos, with the time and lane of every request). The live site (`MofaSim`) serves each release's newest
text, except a share the ministry has since removed (it answers 404: the import recovers them from the web
archive, and its live check finds them withdrawn). The simulators run in their own processes; what crosses
back to the bench is their request logs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.simserver import Reply, Request

GONE_EVERY = 20  # every twentieth release (5 %) is gone from the live site
LANE_NAMES = {"cdx": "CDX", "web": "captures", "live": "live"}  # the simulators' lanes -> the bench's


@dataclass(frozen=True)
class Plan:
    """The scenario's size, and what a correct import of it writes."""

    docs: int
    captures: int

    def scenario(self) -> Any:
        """The shared bulk scenario (pages render when served: building it is cheap)."""
        from tests.wayback_scenarios import bulk

        return bulk(self.docs, self.captures)

    @property
    def withdrawn(self) -> int:
        """Releases gone from the live site: known only through the web archive."""
        return sum(1 for i in range(self.docs) if is_gone(i))

    @property
    def live(self) -> int:
        """Releases the live site still serves (archived by the setup crawl)."""
        return self.docs - self.withdrawn

    def expected_versions(self) -> int:
        """New versions an import writes into an archive that holds the live site's releases already: every
        text the captures showed, less the newest of each live release (the setup crawl archived it)."""
        docs = list(self.scenario().docs.values())
        return sum(len(doc.versions) - (0 if is_gone(i) else 1) for i, doc in enumerate(docs))


def is_gone(i: int) -> bool:
    """Whether release i (in the scenario's order) is gone from the live site."""
    return i % GONE_EVERY == GONE_EVERY - 1


def live_app(plan: Plan) -> Any:
    """The live mofa.go.kr simulator: each release's newest text; the gone ones removed."""
    from tests.sim_mofa import MofaSim
    from tests.sitegen.mofa import MofaRelease

    releases, gone = [], []
    for i, doc in enumerate(plan.scenario().docs.values()):
        seq, newest = int(doc.url.rsplit("=", 1)[1]), doc.versions[-1]
        releases.append(MofaRelease(seq, newest.title, newest.published, list(newest.body)))
        if is_gone(i):
            gone.append(seq)
    sim = MofaSim(releases)
    for seq in gone:
        sim.remove(seq)
    sim.prerender()
    return Logged(sim)


def wayback_app(plan: Plan) -> Any:
    """The web-archive simulator holding the plan's captures."""
    return plan.scenario().sim()


class Logged:
    """An app that notes the time of every request it answers (robots.txt apart, as "other")."""

    def __init__(self, app: Callable[[Request], Reply]) -> None:
        self.app = app
        self.log: list[tuple[float, str]] = []

    def __call__(self, request: Request) -> Reply:
        self.log.append((time.monotonic(), "other" if request.path == "/robots.txt" else "live"))
        return self.app(request)


def request_log(app: Any) -> list[tuple[float, str]]:
    """What a simulator reports back when its process stops: (time.monotonic(), lane) of every request,
    the lane named as the bench names it ("other" for robots.txt and the like)."""
    if isinstance(app, Logged):
        return list(app.log)
    return [(hit.at, LANE_NAMES.get(hit.lane, "other")) for hit in app.hits]
