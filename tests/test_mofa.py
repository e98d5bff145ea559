"""mofa.go.kr specifics: the seeds against the release text the seed captures show, URL canonicalization,
and parse errors that name what is missing (the golden pages are walked by test_golden.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.document import Version
from crawler.errors import ParseError
from crawler.sites import mofa
from tests.seeds import seed_release

FIXTURES = Path(__file__).parent / "fixtures" / "mofa.go.kr"
CAPTURED = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("seed", "fixture", "translated"),
    [
        ("002", "seed002_plain_2017", True),
        ("003", "seed003_old_template_2018", True),
        ("004", "seed004_se_2021", False),
    ],
)
def test_seed_release_text_is_archived_without_boilerplate(seed: str, fixture: str, translated: bool) -> None:
    want = seed_release(seed)
    html = (FIXTURES / f"{fixture}.html").read_text(encoding="utf-8")
    release = mofa.parse_release(html, "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=1")
    assert release.title == want.title
    assert list(release.body) == want.body
    # The translator's note is part of what the ministry said: kept, as the last paragraph, where it is.
    assert (release.body[-1] == "* unofficial translation") is translated
    text = Version(release, CAPTURED).render()
    body_part = text.split("\n\n", 2)[2]
    for line in want.boilerplate:
        assert f"\n{line}\n" not in f"\n{body_part}", f"boilerplate {line!r} reached the archive"
    if want.date:
        assert str(release.published).startswith(want.date)


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=321641",
            "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=321641",
        ),
        (
            "http://mofa.go.kr/eng/brd/m_5676/view.do?seq=321641&srchFr=&srchTo=&srchWord=&srchTp=&multi_itm_seq=0"
            "&itm_seq_1=0&itm_seq_2=0&company_cd=&company_nm=&page=3&titleNm=",
            "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=321641",
        ),
        (
            "https://overseas.mofa.go.kr/eng/brd/m_5676/view.do?seq=321641&amp;srchFr=&amp;amp;page=1",
            "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=321641",
        ),
        (
            "http://www.mofa.go.kr:443/www/brd/m_5676/view.do?seq=323320",  # the RSS feed's broken form
            "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=323320",
        ),
        (
            "https://asean.mofa.go.kr/www/brd/m_4080/view.do?page=2&seq=0367342",
            "https://www.mofa.go.kr/www/brd/m_4080/view.do?seq=367342",
        ),
        (
            "  https://www.mofa.go.kr/eng/brd/m_5679/view.do?seq=321001\n",
            "https://www.mofa.go.kr/eng/brd/m_5679/view.do?seq=321001",
        ),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert mofa.canonical_url(url) == canonical


@pytest.mark.parametrize(
    "url",
    [
        "https://www.mofa.go.kr/eng/brd/m_5676/list.do?page=1",
        "https://www.mofa.go.kr/eng/brd/m_5676/view.do",
        "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=１２３",  # full-width digits are not digits here
        "https://mofa.go.kr.evil.example/eng/brd/m_5676/view.do?seq=1",
        "ftp://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=1",
        "https://www.mofa.go.kr/eng/brd/../../etc/view.do?seq=1",
    ],
)
def test_not_a_release_url(url: str) -> None:
    with pytest.raises(ValueError):
        mofa.canonical_url(url)


def test_doc_key() -> None:
    assert mofa.doc_key("http://www.mofa.go.kr:443/www/brd/m_5676/view.do?seq=323320") == "mofa.go.kr/m_5676/323320"


def test_missing_parts_are_named() -> None:
    html = (FIXTURES / "br_attachments.html").read_text(encoding="utf-8")
    url = "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=320957"
    for old, new, reason in [
        ("<dd>2020-02-15</dd>", "<dd>soon</dd>", "no publication date"),
        ("TITLE", "", "no title"),
        ("BODY", "", "empty body"),
    ]:
        broken = html.replace(old, new, 1)
        if reason == "no title":
            broken = re.sub(r'(<div class="bo_head">\s*<h2>)[^<]*', r"\1", html)
        if reason == "empty body":
            broken = re.sub(
                r'<div class="bo_con">.*?<ul class="bo_util">',
                '<div class="bo_con"><p>&nbsp;</p></div><ul class="bo_util">',
                html,
                flags=re.S,
            )
        assert broken != html
        with pytest.raises(ParseError, match=reason):
            mofa.parse_release(broken, url)
