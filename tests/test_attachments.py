"""Attachments end to end against the mofa.go.kr simulator: fetched, stored once by hash under files/, listed in the
version file, kept in the WARC files, diffed and listed by `changes`; failures recorded on the version; an archive
written before attachments were stored upgrades without a false edit."""

from __future__ import annotations

import gzip
import hashlib
import re
import shutil
import sqlite3
from pathlib import Path

from tests.conftest import Pressroom
from tests.sim_mofa import MofaSim
from tests.simserver import Reply, SimServer

SEQ = 320033  # the newest sample release
KEY = f"mofa.go.kr/m_5676/{SEQ}"
DOWN = f"https://www.mofa.go.kr/eng/brd/m_5676/down.do?brd_id=235&seq={SEQ}&data_tp=A&file_seq="


def versions(archive: Path, key: str = KEY) -> list[Path]:
    return sorted((archive / key).glob("*.txt"))


def attachment_lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("Attachment")]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored(archive: Path, data: bytes) -> Path:
    return archive / "files" / sha(data)[:2] / sha(data)


def test_attachments_are_stored_listed_captured_and_a_changed_file_is_a_change(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    sim, _ = mofa_sim
    statement, annex, revised = b"%PDF-1.4 the statement\n", b"HWP annex, first\n", b"HWP annex, corrected\n"
    sim.files.update({(SEQ, 1): statement, (SEQ, 2): annex})
    sim.edit(SEQ, attachments=["Statement.pdf", "Annex.hwp"])
    pressroom("crawl", "mofa")
    [v1] = versions(pressroom.archive)
    assert attachment_lines(v1) == [
        f"Attachment: Statement.pdf <{DOWN}1> sha256:{sha(statement)}",
        f"Attachment: Annex.hwp <{DOWN}2> sha256:{sha(annex)}",
    ]
    assert stored(pressroom.archive, statement).read_bytes() == statement
    assert stored(pressroom.archive, annex).read_bytes() == annex
    # Kept in the run's WARC file too, each naming its document and its hash.
    warc = b"".join(gzip.decompress(p.read_bytes()) for p in (pressroom.archive / "raw").rglob("*.warc.gz"))
    assert warc.count(b"Pressroom-Attachment: ") == 2 and statement in warc and annex in warc

    # Same text, same links: the files are not fetched again, and nothing is written.
    assert pressroom("crawl", "mofa").stderr.count("unchanged") >= 1
    assert sim.downloads[(SEQ, 1)] == sim.downloads[(SEQ, 2)] == 1
    assert versions(pressroom.archive) == [v1]

    # The ministry replaces the annex (a new name, new bytes) and leaves the text alone: a change of the release.
    sim.files[(SEQ, 2)] = revised
    sim.edit(SEQ, attachments=["Statement.pdf", "Annex (corrected).hwp"])
    result = pressroom("crawl", "mofa")
    assert re.search(r"mofa\.go\.kr: .*1 changed", result.stderr), result.stderr
    v1_again, v2 = versions(pressroom.archive)
    assert v1_again == v1 and v2.name.startswith("002_") and v2.name[4:] == v1.name[4:]  # same text hash
    assert sim.downloads[(SEQ, 1)] == 1 and sim.downloads[(SEQ, 2)] == 2

    diff = pressroom("diff", KEY).stdout
    assert f"Attachment: Annex.hwp <{DOWN}2> sha256:{sha(annex)} -> (none)" in diff
    assert f"Attachment: (none) -> Annex (corrected).hwp <{DOWN}2> sha256:{sha(revised)}" in diff
    assert "Statement.pdf" not in diff  # unchanged: not listed
    assert "@@" not in diff  # the text did not change
    changes = pressroom("changes").stdout
    assert re.search(rf"changed\s+{KEY} v1→v2  \+0/-0 words, 2 attachments  ", changes), changes
    assert '"attachments_changed": 2' in pressroom("changes", "--json").stdout

    # Back to the first annex: a revert to version 1, no new file.
    sim.files[(SEQ, 2)] = annex
    sim.edit(SEQ, attachments=["Statement.pdf", "Annex.hwp"])
    assert "1 reverted" in pressroom("crawl", "mofa").stderr
    assert len(versions(pressroom.archive)) == 2
    with sqlite3.connect(pressroom.archive / "catalog.sqlite") as db:
        rows = db.execute("SELECT version, name, size FROM attachments WHERE key = ? ORDER BY 1, 2", (KEY,)).fetchall()
    assert rows == [
        (1, "Annex.hwp", len(annex)),
        (1, "Statement.pdf", len(statement)),
        (2, "Annex (corrected).hwp", len(revised)),
        (2, "Statement.pdf", len(statement)),
    ]


def test_an_edited_text_fetches_the_files_again(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    sim, _ = mofa_sim
    sim.edit(SEQ, attachments=["Statement.pdf"])
    pressroom("crawl", "mofa")
    sim.files[(SEQ, 1)] = b"%PDF-1.4 the statement, as corrected\n"
    sim.edit(SEQ, attachments=["Statement.pdf"], title="Outcome of Consultation No. 12 (corrected)")
    pressroom("crawl", "mofa")
    assert sim.downloads[(SEQ, 1)] == 2
    diff = pressroom("diff", KEY).stdout
    assert "(corrected)" in diff and f"sha256:{sha(b'%PDF-1.4 the statement, as corrected' + bytes([10]))}" in diff


def test_failed_attachments_are_recorded_on_the_version_and_the_text_archived(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    sim, _ = mofa_sim
    pressroom.config.write_text(
        pressroom.config.read_text(encoding="utf-8").replace(
            "[pressroom]\n", "[pressroom]\nattachment_max_bytes = 100\n"
        ),
        encoding="utf-8",
    )
    sim.robots = f"User-agent: *\nDisallow: /eng/brd/m_5676/down.do?brd_id=235&seq={SEQ}&data_tp=A&file_seq=3\n"
    sim.files.update(
        {
            (SEQ, 1): b"x" * 5000,
            (SEQ, 2): Reply(404, "<html><body>no such file</body></html>"),
            (SEQ, 4): Reply(200, "<html><body>Please enable JavaScript</body></html>", {"Content-Type": "text/html"}),
            (SEQ, 5): b"small enough",
        }
    )
    sim.edit(SEQ, attachments=["big.pdf", "gone.hwp", "robots.pdf", "challenge.pdf", "fine.pdf"])
    result = pressroom("crawl", "mofa")
    assert "12 new" in result.stderr
    [v1] = versions(pressroom.archive)
    assert attachment_lines(v1) == [
        f"Attachment: big.pdf <{DOWN}1> not stored: response larger than 100 bytes",
        f"Attachment: gone.hwp <{DOWN}2> not stored: HTTP 404: the page is gone",
        f"Attachment: robots.pdf <{DOWN}3> not stored: disallowed by robots.txt (http://127.0.0.1:{sim_port(pressroom)}/robots.txt)",
        f"Attachment: challenge.pdf <{DOWN}4> not stored: blocked: anti-bot challenge page (HTTP 200, marker "
        "'Please enable JavaScript')",
        f"Attachment: fine.pdf <{DOWN}5> sha256:{sha(b'small enough')}",
    ]
    assert "Outcome of Consultation No. 12" in v1.read_text(encoding="utf-8")
    assert sim.downloads[(SEQ, 3)] == 0  # robots.txt was obeyed
    assert "attachment not stored" in result.stderr

    # Next time the files are there: fetched (the failed ones only) and recorded as the same release, not an edit.
    sim.robots = "User-agent: *\nAllow: /\n"
    for n in (1, 2, 3, 4):
        sim.files[(SEQ, n)] = b"ok"
    result = pressroom("crawl", "mofa")
    assert not re.search(r"\bchanged", result.stderr), result.stderr
    assert sim.downloads[(SEQ, 5)] == 1
    v1_again, v2 = versions(pressroom.archive)
    assert all(" sha256:" in line for line in attachment_lines(v2))
    assert pressroom("changes").stdout == ""


def sim_port(pressroom: Pressroom) -> str:
    return pressroom.base_urls["mofa"].rsplit(":", 1)[1].rstrip("/")


def test_an_archive_from_before_attachments_were_stored_upgrades_without_a_false_edit(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    sim, _ = mofa_sim
    sim.edit(SEQ, attachments=["Statement.pdf", "Annex.hwp"])
    pressroom("crawl", "mofa")
    [v1] = versions(pressroom.archive)
    # Make it what the code before attachments wrote: one line of names, no file, no files/ folder.
    text = v1.read_text(encoding="utf-8")
    old = re.sub(r"(Attachment: [^\n]*\n)+", "Attachments: Statement.pdf | Annex.hwp\n", text)
    v1.chmod(0o644)
    v1.unlink()
    v1.write_text(old, encoding="utf-8")
    for path in sorted((pressroom.archive / "files").rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    pressroom("reindex")
    assert "Statement.pdf" in pressroom("show", KEY).stdout

    result = pressroom("crawl", "mofa")
    assert not re.search(r"\bchanged", result.stderr) and "12 unchanged" in result.stderr, result.stderr
    assert pressroom("changes").stdout == ""
    v1_again, v2 = versions(pressroom.archive)
    assert v1_again.read_text(encoding="utf-8") == old  # never replaced
    assert v2.name[4:] == v1.name[4:]
    assert [line.split(" <")[0] for line in attachment_lines(v2)] == [
        "Attachment: Statement.pdf",
        "Attachment: Annex.hwp",
    ]
    assert all(" sha256:" in line for line in attachment_lines(v2))
    # A third crawl finds everything as it was.
    assert "12 unchanged" in pressroom("crawl", "mofa").stderr
    assert len(versions(pressroom.archive)) == 2


def test_mid_ru_files_linked_in_the_text_are_archived(mid_pressroom: Pressroom, mid_sims: tuple[object, ...]) -> None:
    from tests.sim_mid import MidSim

    sim = mid_sims[0]
    assert isinstance(sim, MidSim)
    statement, photo = b"%PDF-1.7 statement", b"\xff\xd8\xff photo"
    sim.files.update({"/upload/iblock/3a1/Statement_en.pdf": statement, "/upload/medialibrary/b2c/photo.jpg": photo})
    article = sim.articles[("en", 1899422)]
    sim.edit(
        "en",
        1899422,
        body_html="".join(f"<p>{p}</p>" for p in article.body)
        + '<p>See the <a href="/upload/iblock/3a1/Statement_en.pdf">full statement (PDF)</a>.</p>'
        + '<p><a href="https://mid.ru/upload/medialibrary/b2c/photo.jpg"></a></p>',
    )
    mid_pressroom("crawl", "mid.ru")
    [path] = sorted((mid_pressroom.archive / "mid.ru/id/1899422/en").glob("*.txt"))
    assert attachment_lines(path) == [
        f"Attachment: full statement (PDF) <https://mid.ru/upload/iblock/3a1/Statement_en.pdf> sha256:{sha(statement)}",
        f"Attachment: photo.jpg <https://mid.ru/upload/medialibrary/b2c/photo.jpg> sha256:{sha(photo)}",
    ]
    assert stored(mid_pressroom.archive, photo).read_bytes() == photo
    assert "See the full statement (PDF)." in path.read_text(encoding="utf-8")  # the link's text stays in the text


def test_files_found_on_a_page_archived_before_attachments_were_looked_for_are_no_edit(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    """mid.ru's /upload/ links were not extracted before: an archived article that has them is not edited."""
    sim, _ = mofa_sim
    sim.edit(SEQ, attachments=["Statement.pdf"])
    pressroom("crawl", "mofa")
    [v1] = versions(pressroom.archive)
    # What the old code wrote, some time ago: no attachment lines.
    old = re.sub(r"Attachment: [^\n]*\n", "", v1.read_text(encoding="utf-8"))
    old = re.sub(r"Captured: [^\n]*\n", "Captured: 2026-01-02T03:04:05Z\n", old)
    v1.unlink()
    v1.write_text(old, encoding="utf-8")
    shutil.rmtree(pressroom.archive / "files")
    pressroom("reindex")
    result = pressroom("crawl", "mofa")
    assert not re.search(r"\bchanged", result.stderr) and "12 unchanged" in result.stderr, result.stderr
    v1_again, v2 = versions(pressroom.archive)
    assert attachment_lines(v1_again) == [] and len(attachment_lines(v2)) == 1


def test_a_file_added_to_a_release_without_any_is_a_change(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    sim, _ = mofa_sim
    pressroom("crawl", "mofa")
    sim.edit(SEQ, attachments=["Statement.pdf"])
    assert "1 changed" in pressroom("crawl", "mofa").stderr
    assert f"Attachment: (none) -> Statement.pdf <{DOWN}1> sha256:" in pressroom("diff", KEY).stdout
