"""What a later crawl costs, as README's timing paragraph states it: every release on the list pages read is
fetched again (known or not: the newest releases are the ones ministries correct), so a later crawl makes
as many requests as the first, plus the older known releases that are due."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Pressroom
from tests.sim_mofa import MofaSim
from tests.simserver import SimServer

README = Path(__file__).parent.parent / "README.md"


def test_a_later_crawl_fetches_every_listed_release_again_as_readme_says(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    server = mofa_sim[1]
    pressroom("crawl", "mofa")
    first = sorted(r.target for r in server.log if "view.do" in r.path)
    assert len(first) == 12  # the sample's twelve releases, on two list pages
    server.log.clear()
    pressroom("crawl", "mofa")
    again = sorted(r.target for r in server.log if "view.do" in r.path)
    assert again == first, "a later crawl fetches each listed release again"
    readme = " ".join(README.read_text(encoding="utf-8").split())
    assert "one request per listed release, new or known" in readme
    assert "a later run takes as long as the first" in readme
    assert "a later one from ~10 s" not in readme
