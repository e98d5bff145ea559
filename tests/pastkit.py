"""An archive with a past: versions seen live and in web-archive captures, for the reading commands' tests.

mofa.go.kr/m_5676/7 is crawled on 1 March 2026 (text B), then an import from the web archive on 2 March finds
it captured on 12 March 2019 with text A and on 1 May 2019 with text B again (an edit between the two
captures), then a crawl on 5 March 2026 finds text C (an edit seen live). Version numbers follow entry order
(v1 = B, v2 = A, v3 = C); the order the site showed them is v2, v1, v3.

mid.ru/foreign_policy.news/8/en exists only in the web archive: captured on 10 January 2018, edited by the
capture of 2 February 2018, and gone (the site's error page captured) on 1 June 2018.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from archive.document import Release
from archive.history import Capture
from archive.recorder import Archive

MOFA = "mofa.go.kr/m_5676/7"
MID = "mid.ru/foreign_policy.news/8/en"
MOFA_URL = "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=7"
MID_URL = "https://mid.ru/en/foreign_policy/news/8/"
TEXT_A = "Trade rose to $20 billion in 2018."
TEXT_B = "Trade rose to $21 billion in 2018."
TEXT_C = "Trade rose to $21.5 billion in 2018."


def memento(stamp: str, url: str) -> str:
    """The `id_` URL of the capture of `url` at `stamp` (14 digits)."""
    return f"https://web.archive.org/web/{stamp}id_/{url}"


def capture(stamp: str, url: str) -> Capture:
    """A capture of `url` at `stamp` (14 digits, UTC)."""
    return Capture(datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC), memento(stamp, url))


def mofa(body: str) -> Release:
    """The mofa.go.kr release with this text."""
    return Release(
        site="mofa.go.kr",
        collection="m_5676",
        collection_name="Press Releases",
        doc_id="7",
        language="en",
        url=MOFA_URL,
        title="Statement on trade",
        published=date(2019, 3, 11),
        body=(body,),
    )


def mid(body: str) -> Release:
    """The mid.ru release with this text."""
    return Release(
        site="mid.ru",
        collection="foreign_policy.news",
        collection_name="News",
        doc_id="8",
        language="en",
        url=MID_URL,
        title="Comment on the talks",
        published=date(2018, 1, 9),
        body=(body,),
        per_language=True,
    )


class Clock:
    """A clock the builder moves by hand."""

    def __init__(self) -> None:
        self.at = datetime(2026, 3, 1, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at


def build(root: Path) -> Path:
    """Write the archive described above at `root`."""
    clock = Clock()
    archive = Archive(root, clock=clock)
    with archive.writing():
        with archive.run("crawl", ["mofa.go.kr"]) as run:
            archive.record(mofa(TEXT_B), run_id=run.id)
        clock.at = datetime(2026, 3, 2, 10, tzinfo=UTC)
        with archive.run("import-history", ["mofa.go.kr", "mid.ru"]) as run:
            pairs = [(mofa(TEXT_A), capture("20190312094512", MOFA_URL))]
            pairs.append((mofa(TEXT_B), capture("20190501120000", MOFA_URL)))
            archive.import_captures(pairs, run_id=run.id)
            pairs = [(mid("Uno."), capture("20180110080000", MID_URL))]
            pairs.append((mid("Uno, editado."), capture("20180202080000", MID_URL)))
            archive.import_captures(pairs, run_id=run.id, gone=[capture("20180601080000", MID_URL)])
        clock.at = datetime(2026, 3, 5, 12, tzinfo=UTC)
        with archive.run("crawl", ["mofa.go.kr"]) as run:
            archive.record(mofa(TEXT_C), run_id=run.id)
    archive.close()
    return root
