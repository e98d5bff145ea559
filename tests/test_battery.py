"""The reliability battery: faults injected over real sockets on 127.0.0.1. Each scenario checks what the
run reports and that every version archived before it is byte-identical afterwards."""

from __future__ import annotations

import random
import socket
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.recorder import Archive
from crawler.sites import mofa
from tests.conftest import FAST_CONFIG, Pressroom
from tests.procs import assert_nothing_left, kill_run, wait_for
from tests.sim_mofa import MofaSim, make_releases
from tests.simserver import Reply, Request, SimServer
from tests.sitegen.mid import CHALLENGE
from tests.sitegen.mofa import view_page

ROOT = Path(__file__).parent.parent
VIEW = "/eng/brd/m_5676/view.do?seq=320033"
BATTERY_CONFIG = FAST_CONFIG.replace("timeout = 5\ndeadline = 10\n", "timeout = 1\ndeadline = 2\nmax_bytes = 2000000\n")


def snapshot(archive: Path) -> dict[str, bytes]:
    return {p.relative_to(archive).as_posix(): p.read_bytes() for p in sorted(archive.rglob("*.txt"))}


@pytest.fixture
def armed(tmp_path: Path, mofa_sim: tuple[MofaSim, SimServer]) -> tuple[Pressroom, MofaSim, dict[str, bytes]]:
    sim, server = mofa_sim
    server.server.hang_seconds = 3.0
    server.server.drip_interval = 0.02
    config = tmp_path / "battery.toml"
    config.write_text(BATTERY_CONFIG, encoding="utf-8")
    run = Pressroom(tmp_path / "archive", config, {"mofa": server.base_url})
    run("crawl", "mofa")
    return run, sim, snapshot(run.archive)


def page_of(sim: MofaSim) -> str:
    return view_page(sim.releases[("m_5676", 320033)])


SCENARIOS = {
    "reset mid-body": ([Reply(200, "x" * 40000, action="reset_mid")] * 3, "connection reset on every try"),
    "never answers": ([Reply(action="hang")] * 3, "timeout"),
    "slow drip": ([Reply(200, "<p>" + "x" * 500 + "</p>", action="drip")] * 3, "no complete answer within 2 s"),
    "truncated body": ([Reply(200, "<html>" + "x" * 3000, action="truncate")] * 3, "connection broken"),
    "429 storm": ([Reply(429, "slow down", {"Retry-After": "0"})] * 3, "HTTP 429 (after 3 tries)"),
    "500 error page": (
        [Reply(500, "<html><body><h1>Internal Server Error</h1></body></html>")] * 3,
        "HTTP 500 (after 3 tries)",
    ),
    "200 error page": (
        [Reply(200, "<html><body><h1>잘못된 접근입니다</h1><p>System error.</p></body></html>")],
        "no article: no template of the engine matched (tried div.bo_head > h2",
    ),
    "200 challenge page": ([Reply(200, CHALLENGE)], "anti-bot challenge page"),
    "redirect loop": ([Reply(302, "", {"Location": VIEW})] * 10, "more than 5 redirects"),
    "foreign redirect": (
        [Reply(301, "", {"Location": "https://evil.example/eng/brd/m_5676/view.do?seq=1"})],
        "redirect to a foreign host",
    ),
    "50 MB response": ([Reply(200, b"<p>" + b"x" * 50_000_000)], "larger than 2000000 bytes"),
    "no expected structure": ([Reply(200, "<html><body><div class='board_detail'></div></body></html>")], "no title"),
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_fault_is_reported_and_nothing_is_lost(name: str, armed: tuple[Pressroom, MofaSim, dict[str, bytes]]) -> None:
    run, sim, before = armed
    replies, message = SCENARIOS[name]
    sim.fail_next(VIEW, *replies)
    result = run("crawl", "mofa", ok=False)
    assert message in result.stderr, result.stderr
    assert "11 unchanged" in result.stderr, "the rest of the run went on"
    assert "Traceback" not in result.output
    assert snapshot(run.archive) == before
    history = run("history", "mofa.go.kr/m_5676/320033").stdout
    assert "withdrawn" not in history and "missing" not in history


def test_503_burst_then_recovery(armed: tuple[Pressroom, MofaSim, dict[str, bytes]]) -> None:
    run, sim, before = armed
    sim.fail_next(VIEW, Reply(503, "busy"), Reply(503, "busy"))
    result = run("crawl", "mofa")
    assert "12 unchanged" in result.stderr
    assert snapshot(run.archive) == before


def test_retry_after_beyond_the_cap_gives_the_host_up(armed: tuple[Pressroom, MofaSim, dict[str, bytes]]) -> None:
    run, sim, before = armed
    sim.fail_next("/eng/brd/m_5676/view.do", Reply(429, "go away", {"Retry-After": "86400"}))
    result = run("crawl", "mofa", ok=False)
    assert "asked to wait 86400 s" in result.stderr and "skipping it for the rest of this run" in result.stderr
    assert snapshot(run.archive) == before


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"invalid \xff\xfe utf-8", "text/html; charset=utf-8"),
        (None, "text/html; charset=utf-8"),  # the real page, encoded as CP949 but labelled UTF-8
    ],
)
def test_bad_bytes_and_mislabelled_charsets(
    armed: tuple[Pressroom, MofaSim, dict[str, bytes]], body: bytes | None, content_type: str
) -> None:
    run, sim, before = armed
    page = page_of(sim).replace("Outcome of Consultation", "Outcome of Consultation").encode("cp949", "replace")
    raw = body if body is not None else page
    sim.fail_next(VIEW, Reply(200, raw, {"Content-Type": content_type}))
    result = run("crawl", "mofa", ok=None)
    assert "Traceback" not in result.output
    assert snapshot(run.archive) == before
    if body is None:
        assert "12 unchanged" in result.stderr, "the mislabelled page decodes to the same text"


def test_kill_9_at_many_points_then_reindex(tmp_path: Path) -> None:
    config = tmp_path / "pressroom.toml"
    config.write_text(FAST_CONFIG.replace("list_pages = 2", "list_pages = 12"), encoding="utf-8")
    sim = MofaSim(make_releases(110, years=3))
    seqs = [320000 + 3 * i for i in range(110)]
    first_edits, second_edits = seqs[0::3], seqs[1::3]
    archive = tmp_path / "a"
    rng = random.Random(20261122)
    with SimServer(sim) as server:
        cmd = [
            sys.executable,
            "-m",
            "crawler",
            "--archive",
            str(archive),
            "--config",
            str(config),
            "--base-url",
            f"mofa={server.base_url}",
            "crawl",
            "mofa",
            "--wait-lock",
            "5",
        ]

        def killed_rounds(count: int) -> None:
            for _ in range(count):
                # Killed after a random number of release pages served: at a random point of its writing.
                target = sum(sim.views.values()) + rng.randint(1, 90)
                proc = subprocess.Popen(cmd, stderr=subprocess.DEVNULL, cwd=ROOT)
                try:
                    wait_for(
                        lambda t=target, p=proc: sum(sim.views.values()) >= t or p.poll() is not None,
                        "the crawl to reach its kill point",
                    )
                    started = kill_run(proc)
                finally:
                    proc.kill()
                assert_nothing_left(started)

        killed_rounds(3)  # killed while writing first versions
        assert subprocess.run(cmd, capture_output=True, timeout=120, cwd=ROOT).returncode == 0
        for edits in (first_edits, second_edits):  # then killed while writing second versions
            for seq in edits:
                sim.edit(seq, body=[f"Edited text of {seq}."])
            killed_rounds(3)
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    reindexed = subprocess.run(
        [sys.executable, "-m", "crawler", "--archive", str(archive), "reindex"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert reindexed.returncode == 0, reindexed.stderr
    assert not list(archive.rglob("*.tmp"))
    store = Archive(archive)
    files = {}
    for key in store.store.document_keys():
        for stored in store.store.versions(key):
            version = store.store.read(stored)  # every file parses and matches its hash
            files[(key, stored.number)] = version.release.sha256()
    con = sqlite3.connect(archive / "catalog.sqlite")
    indexed = {(k, n): sha for k, n, sha in con.execute("SELECT key, number, sha256 FROM versions")}
    con.close()
    assert indexed == files
    assert len({k for k, _ in files}) == 110
    assert sorted(k for k, n in files if n == 2) == sorted(f"mofa.go.kr/m_5676/{s}" for s in first_edits + second_edits)
    assert not [k for k, n in files if n > 2], "an interrupted write never makes a spurious extra version"
    # The killed runs are in the log without an end; the catalog rebuilt from the files alone is the same.
    dump = (
        "SELECT * FROM runs ORDER BY id; SELECT * FROM observations ORDER BY id; SELECT * FROM documents ORDER BY key"
    )

    def catalog_rows() -> list[list[tuple[object, ...]]]:
        con = sqlite3.connect(archive / "catalog.sqlite")
        try:
            return [con.execute(sql).fetchall() for sql in dump.split("; ")]
        finally:
            con.close()

    rows = catalog_rows()
    assert [run[5] for run in rows[0]] == ["running"] * 3 + ["ok"] + ["running"] * 6 + ["ok"]
    for suffix in ("", "-wal", "-shm"):
        Path(f"{archive / 'catalog.sqlite'}{suffix}").unlink(missing_ok=True)
    again = subprocess.run(
        [sys.executable, "-m", "crawler", "--archive", str(archive), "reindex"],
        capture_output=True,
        timeout=60,
        cwd=ROOT,
    )
    assert again.returncode == 0, again.stderr
    assert catalog_rows() == rows


def test_two_crawls_at_once(tmp_path: Path) -> None:
    sim = MofaSim(make_releases(12, start_year=2024, years=2))
    holding, release = threading.Event(), threading.Event()

    def app(request: Request) -> Reply:
        if request.path.endswith("view.do") and not release.is_set():
            holding.set()  # the first crawl is writing: it waits here until the second has tried
            release.wait(60)
        return sim(request)

    config = tmp_path / "pressroom.toml"
    config.write_text(FAST_CONFIG, encoding="utf-8")
    with SimServer(app) as server:
        cmd = [sys.executable, "-m", "crawler", "--archive", str(tmp_path / "a"), "--config", str(config),
               "--base-url", f"mofa={server.base_url}", "crawl", "mofa"]  # fmt: skip
        first = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        try:
            assert holding.wait(60), "the first crawl never asked for a release"
            second = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=ROOT)
        finally:
            release.set()
        _, first_err = first.communicate(timeout=60)
    assert first.returncode == 0, first_err
    assert second.returncode == 1
    assert second.stderr.strip().startswith("Error: archive ") and "another pressroom process" in second.stderr
    assert len(list((tmp_path / "a").rglob("*.txt"))) == 12


def test_hand_edited_file_is_reported_not_overwritten(armed: tuple[Pressroom, MofaSim, dict[str, bytes]]) -> None:
    run, _, before = armed
    path = next((run.archive / "mofa.go.kr/m_5676/320033").glob("001_*.txt"))
    tampered = path.read_bytes().replace(b"Consultation", b"Consultations")
    path.write_bytes(tampered)
    result = run("reindex", ok=False)
    assert f"problem: {path}: content does not match the hash in its name (edited?)" in result.stderr
    assert path.read_bytes() == tampered
    run("crawl", "mofa", ok=None)
    assert path.read_bytes() == tampered, "never overwritten; the archive notes the problem instead"


@settings(max_examples=200, deadline=None)
@given(
    scheme=st.sampled_from(["http", "https", "HTTPS"]),
    host=st.sampled_from(
        ["www.mofa.go.kr", "mofa.go.kr", "overseas.mofa.go.kr", "WWW.MOFA.GO.KR", "www.mofa.go.kr:443"]
    ),
    prefix=st.sampled_from(["eng", "www"]),
    board=st.sampled_from(["m_5676", "m_5679", "m_4080", "m_9999"]),
    seq=st.integers(min_value=0, max_value=10**12 - 1),
    noise=st.lists(st.sampled_from(["page=2", "srchFr=", "amp;srchTo=", "titleNm=x", "itm_seq_1=0"]), max_size=4),
    amp=st.booleans(),
)
def test_canonical_url_properties(
    scheme: str, host: str, prefix: str, board: str, seq: int, noise: list[str], amp: bool
) -> None:
    sep = "&amp;" if amp else "&"
    url = f"{scheme}://{host}/{prefix}/brd/{board}/view.do?seq={seq}" + "".join(sep + n for n in noise)
    canonical = mofa.canonical_url(url)
    assert canonical.startswith("https://www.mofa.go.kr/") and canonical.endswith(f"view.do?seq={seq}")
    assert mofa.canonical_url(canonical) == canonical
    assert mofa.doc_key(url) == f"mofa.go.kr/{board}/{seq}"


def test_no_test_reaches_beyond_loopback() -> None:
    with socket.socket() as sock, pytest.raises(AssertionError, match="tests never leave 127.0.0.1"):
        sock.connect(("192.0.2.1", 80))  # TEST-NET-1: never routed, and the guard stops it first
