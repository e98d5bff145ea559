"""Notifications through Apprise's json:// service to a recording HTTP endpoint on 127.0.0.1: edits with their
word diff, one digest of new releases, health changes, unreachable endpoints, nothing sent twice."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from archive import log, notices
from archive.notices import JOURNAL
from archive.recorder import Archive
from crawler import config as configuration
from crawler.pipeline import notify
from crawler.sites import BUILT_IN
from tests.conftest import FAST_CONFIG, MID_CONFIG, Pressroom
from tests.procs import wait_for
from tests.sim_mofa import MofaSim, make_releases
from tests.simserver import SimServer

KEY = "mofa.go.kr/m_5676/320033"


class Recorder(ThreadingHTTPServer):
    """An endpoint that keeps every JSON message POSTed to it."""

    def __init__(self, port: int = 0) -> None:
        self.messages: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.arrived = threading.Condition()
        super().__init__(("127.0.0.1", port), _Handler)

    def wait_for(self, count: int, timeout: float) -> list[dict[str, Any]]:
        """The messages once `count` have arrived (or what there is after `timeout` seconds)."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout)
            return list(self.messages)

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.server_address[1]}/hook"


class _Handler(BaseHTTPRequestHandler):
    server: Recorder

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_POST(self) -> None:  # noqa: N802
        data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with self.server.arrived:
            self.server.messages.append(json.loads(data))
            self.server.paths.append(self.path)
            self.server.arrived.notify_all()
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    with _serving(Recorder()) as server:
        yield server


class _serving:
    def __init__(self, server: Recorder) -> None:
        self.server = server

    def __enter__(self) -> Recorder:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self.server

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def closed_port() -> int:
    """A port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port whose connections the kernel accepts and nothing ever answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield int(sock.getsockname()[1])


def with_notify(pressroom: Pressroom, *tables: tuple[str, list[str]], timeout: float = 1.0) -> None:
    """Rewrite the test's pressroom.toml with these [[notify]] tables (url, events)."""
    text = FAST_CONFIG.replace("[pressroom]\n", f"[pressroom]\nnotify_timeout = {timeout}\n")
    for url, events in tables:
        text += f"\n[[notify]]\nurl = {json.dumps(url)}\nevents = {json.dumps(events)}\n"
    pressroom.config.write_text(text, encoding="utf-8")


def test_an_edit_is_one_message_with_the_words_it_added(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer], recorder: Recorder
) -> None:
    sim, _ = mofa_sim
    with_notify(pressroom, (recorder.url, ["edits"]))
    pressroom("crawl", "mofa")
    assert recorder.messages == [], "new releases are not edits"
    body = list(sim.releases[("m_5676", 320033)].body)
    body[1] = body[1].replace("cooperation in trade", "cooperation in shipbuilding and trade")
    sim.edit(320033, body=body, title="Outcome of the Revised Consultation")
    result = pressroom("crawl", "mofa")
    assert "notifications: 1 sent" in result.stderr
    assert len(recorder.messages) == 1
    message = recorder.messages[0]
    assert message["title"] == f"pressroom: {KEY} edited (+4/-5 words)", "2 in the text, +2/-5 in the title"
    assert "{+shipbuilding and +}" in message["message"]
    assert "Title: Outcome of {+the Revised +}Consultation[- No. 12 on Bilateral Cooperation-]" in message["message"]
    pressroom("crawl", "mofa", "--revisit-all")
    assert len(recorder.messages) == 1, "a second run sends nothing again"


def test_twenty_new_releases_are_one_digest(tmp_path: Path, config_file: Path, recorder: Recorder) -> None:
    sim = MofaSim(make_releases(20, start_year=2024, years=2))
    with SimServer(sim) as server:
        pressroom = Pressroom(tmp_path / "archive", config_file, {"mofa": server.base_url})
        with_notify(pressroom, (recorder.url, ["new", "edits"]))
        pressroom("crawl", "mofa")
        pressroom("crawl", "mofa")
    assert len(recorder.messages) == 1, [m["title"] for m in recorder.messages]
    digest = recorder.messages[0]
    assert digest["title"] == "pressroom: 20 new releases"
    for number in range(1, 21):
        assert f"Outcome of Consultation No. {number} on" in digest["message"]
    assert digest["message"].index("No. 20 on") < digest["message"].index("No. 1 on"), "newest first"


def test_an_unreachable_endpoint_costs_seconds_and_is_sent_to_on_the_next_run(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer], silent_port: int
) -> None:
    sim, _ = mofa_sim
    port = closed_port()
    refused, silent = f"json://127.0.0.1:{port}/hook", f"json://127.0.0.1:{silent_port}/hook"
    with_notify(pressroom, (refused, ["edits", "new"]), (silent, ["edits", "new"]), timeout=1.0)
    pressroom("crawl", "mofa")  # the 12 releases are news to both: each has one digest to send
    config = _config(pressroom)
    archive = Archive(pressroom.archive)
    started = time.monotonic()
    report = notify.notify(archive, config)
    elapsed = time.monotonic() - started
    assert elapsed < 3.5, f"two unreachable endpoints took {elapsed:.1f} s"
    assert report.sent == 0 and report.held == 2
    assert "Connection refused" in " ".join(report.failed) and "Read timed out" in " ".join(report.failed)
    sim.edit(320033, body=["A corrected text."])
    result = pressroom("crawl", "mofa")  # exit 0: a notification never fails the run
    assert f"json://127.0.0.1:{port}/hook: A Connection error occurred" in result.stderr
    assert "4 messages held for the next run" in result.stderr
    with _serving(Recorder(port)) as server:
        pressroom("crawl", "mofa")
        pressroom("crawl", "mofa")
    titles = sorted(m["title"] for m in server.messages)
    assert titles == ["pressroom: 12 new releases", f"pressroom: {KEY} edited (+3/-34 words)"]


def test_health_changes_are_sent_once_each(pressroom: Pressroom, recorder: Recorder) -> None:
    with_notify(pressroom, (recorder.url, ["health"]))
    pressroom("crawl", "mofa")
    archive, config = Archive(pressroom.archive), _config(pressroom)
    broken = {"mofa.go.kr": ("broken", "10 of 10 pages: no title (div.bo_head h2)")}
    for health in (broken, broken, {"mofa.go.kr": ("healthy", "")}, {"mofa.go.kr": ("healthy", "")}):
        notify.notify(archive, config, health)
    assert [(m["title"], m["message"]) for m in recorder.messages] == [
        ("pressroom: mofa.go.kr is broken", "mofa.go.kr: broken: 10 of 10 pages: no title (div.bo_head h2)"),
        ("pressroom: mofa.go.kr has recovered", "mofa.go.kr: healthy"),
    ]


def test_the_journal_outlives_a_reindex(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer], recorder: Recorder
) -> None:
    sim, _ = mofa_sim
    with_notify(pressroom, (recorder.url, ["edits", "new"]))
    pressroom("crawl", "mofa")
    sim.edit(320033, body=["A corrected text."])
    pressroom("crawl", "mofa")
    assert len(recorder.messages) == 2
    (pressroom.archive / "catalog.sqlite").unlink()
    pressroom("reindex")
    pressroom("crawl", "mofa")
    assert len(recorder.messages) == 2, "observation ids survive reindex: nothing is sent again"
    lines = (pressroom.archive / JOURNAL).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["mark"] for line in lines] == ["start", "new", "edit"]
    assert "127.0.0.1" not in "".join(lines), "endpoints are named by a hash, never by their URL"


def test_notify_test_says_how_each_url_went(pressroom: Pressroom, recorder: Recorder) -> None:
    port = closed_port()
    with_notify(
        pressroom, (recorder.url.replace("//", "//user:hunter2@"), ["edits"]), (f"json://127.0.0.1:{port}", ["new"])
    )
    result = pressroom("notify", "--test", ok=False)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"sent    json://user:****@127.0.0.1:{recorder.server_address[1]}/hook",
        f"failed  json://127.0.0.1:{port}/: A Connection error occurred sending JSON notification to 127.0.0.1 "
        "(Connection refused)",
    ]
    assert "hunter2" not in result.output
    assert [m["title"] for m in recorder.messages] == ["pressroom: test notification"]
    assert recorder.paths == ["/hook"]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('url = "hooks.example.org/x"\nevents = ["edits"]', "[[notify]] 1: url must be an Apprise URL"),
        (
            'url = "json://h/x"\nevents = ["edit"]',
            "[[notify]] 1: events: unknown event 'edit' (known: edits, new, health)",
        ),
        ('url = "json://h/x"\nevents = []', "[[notify]] 1: events must be a list of some of edits, new, health"),
        ('url = "json://h/x"\nwhen = "always"', "[[notify]] 1: unknown setting 'when'"),
    ],
)
def test_a_bad_notify_table_is_one_line(pressroom: Pressroom, table: str, message: str) -> None:
    pressroom.config.write_text(FAST_CONFIG + f"\n[[notify]]\n{table}\n", encoding="utf-8")
    result = pressroom("status", ok=False)
    assert result.stderr == f"Error: config {pressroom.config} {message}\n" or message in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.output


def test_a_url_apprise_cannot_use_stops_the_crawl_before_any_request(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    _, server = mofa_sim
    with_notify(pressroom, ("jsonx://s3cret-token@hooks.example.org/x", ["edits"]))
    result = pressroom("crawl", "mofa", ok=False)
    assert result.stderr == (
        f"Error: config {pressroom.config} [[notify]] 1: url jsonx://… is not a URL Apprise can send to "
        "(an unknown service, or a URL it cannot read); see https://appriseit.com/services/\n"
    )
    assert server.log == []
    with_notify(pressroom, ("mailto://bot:app-password@127.0.0.1:1?to=editor@example.org", ["edits"]))
    result = pressroom("crawl", "mofa", ok=False)
    assert result.stderr == (
        f"Error: config {pressroom.config} [[notify]] 1: url mailto://… is not a URL Apprise can send to: "
        "Invalid ~From~ email specified: Apprise <bot@****>; see https://appriseit.com/services/\n"
    )


def _config(pressroom: Pressroom) -> configuration.Config:
    return configuration.load({name: site.defaults for name, site in BUILT_IN.items()}, pressroom.config)


def test_scheduled_runs_send_as_they_finish(
    tmp_path: Path, pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer], recorder: Recorder
) -> None:
    _, server = mofa_sim
    with_notify(pressroom, (recorder.url, ["new", "edits"]))
    cmd = [sys.executable, "-m", "crawler", "--archive", str(pressroom.archive), "--config", str(pressroom.config)]
    cmd += ["--base-url", f"mofa={server.base_url}", "schedule", "mofa"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)
    try:
        messages = recorder.wait_for(1, timeout=60)
        assert [m["title"] for m in messages] == ["pressroom: 12 new releases"]
        journal = pressroom.archive / JOURNAL
        wait_for(
            lambda: journal.exists() and '"new"' in journal.read_text(encoding="utf-8"), "the digest's journal line"
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    assert "mofa.go.kr: notifications: 1 sent" in stderr


def test_a_backfill_is_not_news_and_notify_sends_what_is_due(
    tmp_path: Path, config_file: Path, recorder: Recorder
) -> None:
    sim = MofaSim(make_releases(30, start_year=2024, years=2))  # the crawl's two list pages show the newest 20
    with SimServer(sim) as server:
        pressroom = Pressroom(tmp_path / "archive", config_file, {"mofa": server.base_url})
        with_notify(pressroom, (recorder.url, ["new", "edits"]))
        pressroom("crawl", "mofa")
        assert [m["title"] for m in recorder.messages] == ["pressroom: 20 new releases"]
        sim.edit(320087, body=["A corrected text."])  # one of the newest 20
        result = pressroom("backfill", "mofa", "--since", "2024-01-01", "--refresh")
        assert "10 new" in result.stderr and "1 changed" in result.stderr
        assert len(recorder.messages) == 1, "a backfill sends nothing itself"
        result = pressroom("notify")
    assert result.stderr == "notifications: 1 sent\n", "the edit; the 10 old releases backfilled are not news"
    assert recorder.messages[1]["title"].startswith("pressroom: mofa.go.kr/m_5676/320087 edited (+3/-")
    assert pressroom("notify").stderr == "notifications: nothing to send\n"


def test_a_journal_that_cannot_be_written_never_fails_the_run(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer], recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim, _ = mofa_sim
    with_notify(pressroom, (recorder.url, ["edits"]))
    pressroom("crawl", "mofa")
    journal = pressroom.archive / JOURNAL

    class FullDisk(log.LogFile):
        def append(self, event: dict[str, Any]) -> None:
            if self.path == journal:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            super().append(event)

    monkeypatch.setattr(notices.log, "LogFile", FullDisk)
    sim.edit(320033, body=["A corrected text."])
    result = pressroom("crawl", "mofa")  # exit 0
    assert f"cannot record a notification in {journal}: No space left on device; it will be sent again" in result.stderr
    assert "Traceback" not in result.output and len(recorder.messages) == 1
    monkeypatch.undo()
    pressroom("crawl", "mofa")
    assert len(recorder.messages) == 2, "unrecorded, the message is sent again: at least once, never lost"
    pressroom("crawl", "mofa")
    assert len(recorder.messages) == 2


def test_a_journal_that_cannot_be_read_never_fails_the_run(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer], recorder: Recorder
) -> None:
    with_notify(pressroom, (recorder.url, ["edits", "new"]))
    (pressroom.archive / JOURNAL).mkdir(parents=True)  # a folder where the file should be
    result = pressroom("crawl", "mofa")
    assert result.stderr.count(f"cannot read the notifications journal {pressroom.archive / JOURNAL}") == 2
    assert "\nnotifications: not sent (cannot read the notifications journal " in result.stderr
    assert "mofa.go.kr: 12 new" in result.stderr and recorder.messages == []


def test_a_site_that_breaks_and_recovers_is_two_messages(tmp_path: Path, recorder: Recorder) -> None:
    from tests.fixtures.build_mid import current_articles, old_articles
    from tests.sim_mid import MidSim, OldMidSim
    from tests.test_health import TITLE, Relayout

    current = Relayout(MidSim([a for _, a in current_articles()]))
    with SimServer(current) as cur, SimServer(OldMidSim([a for _, a in old_articles()])) as old:
        config = tmp_path / "mid.toml"
        config.write_text(MID_CONFIG + f'\n[[notify]]\nurl = "{recorder.url}"\nevents = ["health"]\n', "utf-8")
        run = Pressroom(tmp_path / "archive", config, {"mid": cur.base_url, "archive.mid.ru": old.base_url})
        current.drop = TITLE  # mid.ru's release pages lose their title element
        assert run("crawl", "mid.ru", "archive.mid.ru", ok=None).exit_code == 3
        run("crawl", "mid.ru", "archive.mid.ru", ok=None)
        current.drop = None
        run("crawl", "mid.ru", "archive.mid.ru")
        run("crawl", "mid.ru", "archive.mid.ru")
    assert [m["title"] for m in recorder.messages] == ["pressroom: mid.ru is broken", "pressroom: mid.ru has recovered"]
    assert "mid.ru: broken: run 1: 4 of 5 pages: no title (h1.photo-content__title)" in recorder.messages[0]["message"]
    assert recorder.messages[1]["message"].startswith("mid.ru: healthy: run 3: ")


def test_a_flood_of_edits_is_twenty_messages_and_one_list(
    tmp_path: Path, config_file: Path, recorder: Recorder
) -> None:
    releases = make_releases(30, start_year=2024, years=2)
    sim = MofaSim(releases)
    with SimServer(sim) as server:
        pressroom = Pressroom(tmp_path / "archive", config_file, {"mofa": server.base_url})
        with_notify(pressroom, (recorder.url, ["edits"]))
        pressroom("backfill", "mofa", "--since", "2024-01-01")
        for release in releases[:25]:
            sim.edit(release.seq, body=["A corrected text."])
        pressroom("crawl", "mofa", "--revisit-all")
        pressroom("crawl", "mofa", "--revisit-all")
    titles = [m["title"] for m in recorder.messages]
    assert len(titles) == 21 and all(" edited (+3/-" in title for title in titles[:20])
    assert titles[20] == "pressroom: 5 more changes to archived releases"
    assert recorder.messages[20]["message"].count(" changed ") == 5


def test_site_text_in_a_message_shows_its_bidi_and_control_characters_escaped(
    tmp_path: Path, config_file: Path, recorder: Recorder
) -> None:
    releases = make_releases(2, start_year=2024, years=1)
    releases[0] = dataclasses.replace(releases[0], title="Statement \u202eon the\u202c talks")
    with SimServer(MofaSim(releases)) as server:
        pressroom = Pressroom(tmp_path / "archive", config_file, {"mofa": server.base_url})
        with_notify(pressroom, (recorder.url, ["new"]))
        pressroom("crawl", "mofa")
    [digest] = recorder.messages
    assert "Statement \\u202eon the\\u202c talks" in digest["message"] and "\u202e" not in digest["message"]
