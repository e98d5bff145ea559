"""Edits, reverts, withdrawals and restorations noticed on revisits; due-ness that decays with age."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from archive.rows import DocumentRow
from crawler.pipeline.revisit import due, revisit_interval
from tests.conftest import Pressroom
from tests.sim_mofa import MofaSim
from tests.simserver import Reply, SimServer

KEY = "mofa.go.kr/m_5676/320033"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def kinds(pressroom: Pressroom) -> list[str]:
    out = pressroom("history", KEY).stdout
    return [line.split()[1] for line in out.splitlines() if line.startswith("  20")]


def test_edit_revert_remove_restore(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    sim, _ = mofa_sim
    original = sim.releases[("m_5676", 320033)].body
    pressroom("crawl", "mofa")
    sim.edit(320033, body=["A corrected text."])
    pressroom("crawl", "mofa")
    sim.edit(320033, body=original)
    result = pressroom("crawl", "mofa")
    assert "1 reverted" in result.stderr
    sim.remove(320033)  # gone from the list and from its URL: only a revisit can notice
    pressroom("crawl", "mofa", "--revisit-all")
    pressroom("crawl", "mofa", "--revisit-all")
    sim.restore(320033)
    result = pressroom("crawl", "mofa")
    assert "mofa.go.kr: 1 restored, 11 unchanged\n" in result.stderr, "one visit, counted once"
    assert kinds(pressroom) == ["new", "changed", "reverted", "missing", "withdrawn", "restored"]
    files = sorted(p.name[:3] for p in (pressroom.archive / KEY).glob("*.txt"))
    assert files == ["001", "002"], "a revert writes no duplicate file"
    show = pressroom("show", KEY).stdout
    assert show.endswith(f"\n{original[-1]}\n"), "the current version is the reverted-to one"


@pytest.mark.parametrize(
    ("failure", "kind"),
    [
        (Reply(503, "busy"), "failed"),  # a server error on every try
        (Reply(action="reset"), "blocked"),  # a reset on every try is how a site refuses a client
    ],
)
def test_transient_failures_are_not_withdrawals(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer], failure: Reply, kind: str
) -> None:
    sim, _ = mofa_sim
    pressroom("crawl", "mofa")
    for _ in range(2):
        sim.fail_next("/eng/brd/m_5676/view.do?seq=320033", *[failure] * 3)
        pressroom("crawl", "mofa", ok=False)
    assert kinds(pressroom) == ["new", kind, kind]
    status = pressroom("status").stdout
    assert "(0 withdrawn)" in status


def test_runs_and_status(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    pressroom("crawl", "mofa")
    pressroom("crawl", "mofa")
    header, *lines = pressroom("runs").stdout.splitlines()
    assert header.split() == ["RUN", "STARTED", "FINISHED", "STATUS", "COMMAND", "SITES", "COUNTS"]
    assert len(lines) == 2 and "12 unchanged" in lines[0] and "12 new" in lines[1]
    assert all(" ok " in line for line in lines)
    starts = [match.start() for match in re.finditer(r"\S+", header)][1:]  # RUN is right-aligned
    for line in lines:  # aligned: every other column's value starts where its header does
        assert [match.start() for match in re.finditer(r"\S+", line)][1 : len(starts) + 1] == starts
    status = pressroom("status").stdout
    assert status.startswith("mofa.go.kr: healthy — run 2: ")
    assert "\n    12 documents (0 withdrawn), 0 due now; last success 20" in status


@pytest.mark.parametrize(
    ("published", "interval"),
    [
        (NOW - timedelta(hours=2), timedelta(hours=1)),
        (NOW - timedelta(days=3), timedelta(days=1)),
        (date(2026, 6, 1), timedelta(days=7)),
        (date(2019, 6, 1), timedelta(days=30)),
    ],
)
def test_revisit_interval_decays_with_age(published: date, interval: timedelta) -> None:
    assert revisit_interval(published, NOW) == interval


def doc(key: str, published: str, last_visit: datetime) -> DocumentRow:
    visit = last_visit.strftime("%Y-%m-%dT%H:%M:%SZ")
    return DocumentRow(
        key,
        "mofa.go.kr",
        "m_5676",
        key,
        "en",
        f"https://x/{key}",
        "t",
        published,
        1,
        1,
        "active",
        0,
        None,
        None,
        visit,
        visit,
        visit,
    )


def test_due_orders_by_lateness_and_respects_the_limit() -> None:
    docs = [
        doc("young", (NOW - timedelta(hours=5)).isoformat(), NOW - timedelta(hours=3)),  # 2 h late
        doc("fresh", (NOW - timedelta(hours=5)).isoformat(), NOW - timedelta(minutes=10)),  # not due
        doc("old", "2015-01-01", NOW - timedelta(days=40)),  # 10 days late
        doc("month", "2026-11-01", NOW - timedelta(days=2)),  # 1 day late
    ]
    assert [d.key for d in due(docs, NOW, None)] == ["old", "month", "young"]
    assert [d.key for d in due(docs, NOW, 2)] == ["old", "month"]


def test_diff_after_a_revert_shows_the_revert(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    """v1 -> v2 -> back to v1: by default `diff` compares what the site showed before with what it shows now."""
    sim, _ = mofa_sim
    original = sim.releases[("m_5676", 320033)].body
    pressroom("crawl", "mofa")
    sim.edit(320033, body=["A corrected text."])
    pressroom("crawl", "mofa")
    out = pressroom("diff", KEY).stdout
    assert out.startswith(f"--- {KEY} v1\t") and f"\n+++ {KEY} v2\t" in out
    sim.edit(320033, body=original)
    pressroom("crawl", "mofa")
    out = pressroom("diff", KEY).stdout
    assert out.startswith(f"--- {KEY} v2\t") and f"\n+++ {KEY} v1\t" in out
    assert "\n-A corrected text.\n" in out
    for args in (("--to", "2"), ("--from", "1", "--to", "2")):
        out = pressroom("diff", KEY, *args).stdout
        assert out.startswith(f"--- {KEY} v1\t") and f"\n+++ {KEY} v2\t" in out


def test_a_withdrawn_document_is_news_once(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    """missing -> withdrawn -> gone, gone: later 404s are recorded, not reported; a restore is one visit."""
    sim, _ = mofa_sim
    pressroom("crawl", "mofa")
    sim.remove(320033)
    reported = [pressroom("crawl", "mofa", "--revisit-all").stderr for _ in range(4)]
    assert "1 missing" in reported[0] and "1 withdrawn" in reported[1]
    for later in reported[2:]:
        assert "missing" not in later and "withdrawn" not in later and KEY not in later
        assert "mofa.go.kr: 11 unchanged\n" in later
    assert kinds(pressroom) == ["new", "missing", "withdrawn", "gone", "gone"]
    assert pressroom("runs", "--limit", "1").stdout.splitlines()[-1].endswith("  1 gone, 11 unchanged")
    changes = pressroom("changes").stdout.splitlines()
    assert [line.split()[1] for line in changes] == ["withdrawn"], "a withdrawal is one event"
    sim.restore(320033)
    views = sim.views[320033]
    result = pressroom("crawl", "mofa", "--revisit-all")
    assert sim.views[320033] == views + 1, "visited once"
    assert "mofa.go.kr: 1 restored, 11 unchanged\n" in result.stderr
    assert kinds(pressroom)[-1:] == ["restored"]


def test_withdrawn_documents_are_revisited_on_the_slow_schedule() -> None:
    young = doc("young", (NOW - timedelta(days=3)).isoformat(), NOW - timedelta(days=2))
    gone = dataclasses.replace(young, key="gone", status="withdrawn")
    assert [d.key for d in due([young, gone], NOW, None)] == ["young"]
    later = NOW + timedelta(days=29)
    assert [d.key for d in due([young, gone], later, None)] == ["young", "gone"]
