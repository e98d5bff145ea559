"""The issue's web-archive cases as captures for tests/sim_wayback.py, each with what a correct import produces.

Captures are real-looking pages of each site, rendered by the site simulators' own page builders
(tests/sitegen): several captures per URL under its other forms (http/https, www or not, mid.ru's old
Liferay URL of an archive.mid.ru document), an edit between two captures and a return to the first text,
a redirect capture to another page, a listed capture whose playback lands months away, captured challenge,
rate-limit (status 200 and 429), error, soft-404 and empty pages, and a CDX cap that splits every answer
by resume keys. A scenario's `docs` say, per document key, the versions a correct import writes (in the
order of their first sighting, which is also their entry order on a first import), every capture time at
which each was seen, and the events between captures; `skipped` counts the captures that are no version,
by reason (the names of crawler/sites/captures.py, and `redirect`).

Each release page differs between captures in bytes (mofa's hit counter, mid.ru's cache comment) but not in
text, so the archive's digest tells them apart and pressroom's content hash must not: two captures of one
text are one version seen twice. Captures of list pages (a redirect's target) are noise, not documents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from tests.sim_wayback import SimCapture
from tests.sitegen.mid import CHALLENGE, REJECTED, MidArticle, OldArticle, article_page, old_article_page, old_page
from tests.sitegen.mofa import MofaRelease, list_page, view_page
from tests.sitegen.mofa_old import view_2018
from tests.wayback_expected import CHALLENGE as CHALLENGED
from tests.wayback_expected import (
    EMPTY,
    ERROR_PAGE,
    RATE_LIMIT,
    REDIRECT,
    SOFT_404,
    Builder,
    ExpectedDoc,
    ExpectedEvent,
    ExpectedVersion,
    Scenario,
    bounds,
    stamp_time,
)

MOFA = "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq="

CF_CHALLENGE = """<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>
<div id="challenge-body"><noscript>Please enable JavaScript and cookies to continue</noscript></div>
<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/jsch/v1"></script></body></html>"""
RATE_PAGE = """<html><head><title>429 Too Many Requests</title></head><body><center><h1>429 Too Many Requests</h1>
</center><hr><center>nginx</center></body></html>"""
MID_RATE_PAGE = """<html><head><title>Too Many Requests</title></head><body><h1>Слишком много запросов</h1>
<p>Повторите попытку позже.</p></body></html>"""
ERROR_200 = """<html><head><title>Error</title></head><body><h1>Service Temporarily Unavailable</h1>
<p>The server is temporarily unable to service your request. Please try again later.</p></body></html>"""
MOFA_SOFT_404 = """<html lang="ko"><head><title>페이지를 찾을 수 없습니다 | 외교부</title></head><body>
<div id="error"><h2>요청하신 페이지를 찾을 수 없습니다.</h2><p>주소가 바르게 입력되었는지 확인하십시오.</p>
<a href="/eng/index.do">Home</a></div></body></html>"""
LIFERAY_404 = old_page(
    "en", "Not Found", '<div class="portlet-msg-error">The requested resource could not be found.</div>'
)


def _mofa_capture(b: Builder, url: str, stamp: str, rel: MofaRelease) -> SimCapture:
    """A capture of a mofa view page; the hit counter makes each capture's bytes differ."""
    page = view_2018(rel) if rel.template == "2018" else view_page(rel, next(b.hits))
    return SimCapture(url, stamp, page, headers={"Content-Type": "text/html;charset=UTF-8", "Server": "Apache"})


def mofa() -> Scenario:
    """mofa.go.kr: an edit and a return to the first text, the old 2018 template, a redirect capture, a
    capture that plays back months away, captured challenge/rate-limit/error/empty pages, a withdrawn
    release; every CDX answer split in pages of two rows."""
    b = Builder()
    a_url, c_url, d_url = f"{MOFA}320000", f"{MOFA}320003", f"{MOFA}320006"
    body = ["1. The Vice Minister held consultations on March 11.", "2. The two sides agreed to meet again."]
    v1 = MofaRelease(320000, "Outcome of the Fourth Strategic Dialogue", "2019-03-11", body)
    v2 = replace(v1, body=[body[0], "2. The two sides agreed to meet again in Seoul in 2020.", "* unofficial"])
    b.doc("mofa.go.kr/m_5676/320000", a_url)
    key = "mofa.go.kr/m_5676/320000"
    for stamp, url, rel in (
        ("20190312094512", a_url, v1),
        ("20190401000000", "http://mofa.go.kr/eng/brd/m_5676/view.do?seq=320000", v1),
        ("20190501120000", a_url, v2),
    ):
        b.good(key, _mofa_capture(b, url, stamp, rel), rel.title, rel.date, rel.body)
    cf = {"Content-Type": "text/html", "cf-mitigated": "challenge"}
    b.skip(CHALLENGED, SimCapture(a_url, "20190601000000", CF_CHALLENGE, status=403, headers=cf, listed_status="200"))
    b.skip(RATE_LIMIT, SimCapture(a_url, "20190701000000", RATE_PAGE, status=429, listed_status="200"))
    b.skip(ERROR_PAGE, SimCapture(a_url, "20190801000000", ERROR_200))
    b.skip(EMPTY, SimCapture(a_url, "20190901000000", ""))
    b.good(key, _mofa_capture(b, a_url, "20191001000000", v1), v1.title, v1.date, v1.body)  # the first text again
    old = MofaRelease(319880, "Results of the Korea-Nordic Meeting", "2018-06-14 16:38:17", ["1. Met on June 13."])
    old = replace(old, template="2018")
    b.doc("mofa.go.kr/m_5676/319880", f"{MOFA}319880")
    b.good(
        "mofa.go.kr/m_5676/319880",
        _mofa_capture(b, f"{MOFA}319880", "20180615000000", old),
        old.title,
        old.date,
        old.body,
    )
    b.collapsed(_mofa_capture(b, f"{MOFA}319880", "20180620000000", old))  # the 2018 page has no counter: same bytes
    c = MofaRelease(320003, "Spokesperson's Statement on the Launch", "2019-03-30", ["The Government regrets it."])
    b.doc("mofa.go.kr/m_5676/320003", c_url)
    list_url = "https://www.mofa.go.kr/eng/brd/m_5676/list.do"
    b.skip(
        REDIRECT,  # lands on the list page
        SimCapture(c_url, "20190330000000", status=302, redirect_to=list_url, listed_status="200"),
        SimCapture(list_url, "20190330000005", list_page("m_5676", [c], number_from=1)),
    )
    b.good("mofa.go.kr/m_5676/320003", _mofa_capture(b, c_url, "20190401000000", c), c.title, c.date, c.body)
    b.skip(
        REDIRECT,  # lands 9 months away
        replace(_mofa_capture(b, c_url, "20200101000000", c), playable=False),
    )
    d = MofaRelease(320006, "Press Release on the Consular Agreement", "2019-04-02", ["1. The agreement was signed."])
    b.doc("mofa.go.kr/m_5676/320006", d_url)
    b.good("mofa.go.kr/m_5676/320006", _mofa_capture(b, d_url, "20190403000000", d), d.title, d.date, d.body)
    b.gone("mofa.go.kr/m_5676/320006", SimCapture(d_url, "20200201000000", MOFA_SOFT_404))
    b.gone("mofa.go.kr/m_5676/320006", SimCapture(d_url, "20200301000000", MOFA_SOFT_404 + "\n"))
    b.live.update({"mofa.go.kr/m_5676/320000": v1, "mofa.go.kr/m_5676/319880": replace(old, template="se")})
    b.live["mofa.go.kr/m_5676/320003"] = c
    return b.scenario("mofa", ["mofa.go.kr"], page_cap=2)


def _mid_capture(url: str, stamp: str, page: str) -> SimCapture:
    """A capture of a mid.ru page; a cache comment makes each capture's bytes differ."""
    return SimCapture(
        url, stamp, f"{page}<!-- cached {stamp} -->", headers={"Content-Type": "text/html; charset=UTF-8"}
    )


def mid() -> Scenario:
    """mid.ru and archive.mid.ru: a current article edited between captures (its title), F5 challenge and
    "Request Rejected" pages, a rate-limit page served with 200; an old article captured under mid.ru's
    Liferay URL (an archive.mid.ru document), edited, then captured on archive.mid.ru; an old article
    withdrawn (Liferay's not-found page)."""
    b = Builder()
    cur = MidArticle(1900101, "en", "Foreign Minister's statement", "2 March 2022", "14:50", ["The Minister said."])
    cur2 = replace(cur, title="Foreign Minister Sergey Lavrov's statement")
    key, url = "mid.ru/id/1900101/en", "https://mid.ru/en/foreign_policy/news/1900101/"
    b.doc(key, url)
    published = f"{cur.date} {cur.time}"
    b.good(key, _mid_capture(url, "20220302120000", article_page(cur)), cur.title, published, cur.body)
    www = "http://www.mid.ru/en/foreign_policy/news/1900101/"
    b.good(key, _mid_capture(www, "20220303120000", article_page(cur)), cur.title, published, cur.body)
    b.skip(CHALLENGED, SimCapture(url, "20220310000000", CHALLENGE))
    b.skip(CHALLENGED, SimCapture(url, "20220312000000", REJECTED))
    b.good(key, _mid_capture(url, "20220401000000", article_page(cur2)), cur2.title, published, cur2.body)
    b.skip(RATE_LIMIT, SimCapture(url, "20220501000000", MID_RATE_PAGE))
    old = OldArticle(4500001, "en", "Press release on talks", "12 March 2019", "10:00", ["Talks were held."], ["ru-RU"])
    old2 = replace(old, body=["Talks were held in Moscow.", "The sides exchanged views."])
    key, path = "archive.mid.ru/id/4500001/en", old.path
    b.doc(key, f"https://archive.mid.ru{path}")
    published = f"{old.date} {old.time}"
    b.good(
        key,
        _mid_capture(f"http://www.mid.ru{path}", "20190312110000", old_article_page(old)),
        old.title,
        published,
        old.body,
    )
    b.good(
        key,
        _mid_capture(f"https://www.mid.ru{path}", "20190601000000", old_article_page(old2)),
        old.title,
        published,
        old2.body,
    )
    b.good(
        key,
        _mid_capture(f"https://archive.mid.ru{path}", "20211101000000", old_article_page(old2)),
        old.title,
        published,
        old2.body,
    )
    gone = OldArticle(4500002, "en", "Comment on a report", "1 May 2019", "09:00", ["A comment."], ["ru-RU"])
    key = "archive.mid.ru/id/4500002/en"
    b.doc(key, f"https://archive.mid.ru{gone.path}")
    b.good(
        key,
        _mid_capture(f"https://www.mid.ru{gone.path}", "20190501100000", old_article_page(gone)),
        gone.title,
        f"{gone.date} {gone.time}",
        gone.body,
    )
    b.gone(key, SimCapture(f"https://www.mid.ru{gone.path}", "20200201000000", LIFERAY_404))
    b.live.update({"mid.ru/id/1900101/en": cur2, "archive.mid.ru/id/4500001/en": old2})
    return b.scenario("mid", ["mid.ru", "archive.mid.ru"], page_cap=2)


def bulk(n_docs: int = 1000, captures_per_doc: int = 5, *, first_seq: int = 400000) -> Scenario:
    """`n_docs` mofa releases with `captures_per_doc` captures each, a day apart, for the bench: captures 2k
    and 2k+1 show the k-th text (an edit every other capture), so 5 captures make 3 versions and 2 events.
    Pages render on demand (5,000 pages would hold ~300 MB); deterministic."""
    b = Builder()
    start = datetime(2019, 1, 1, tzinfo=UTC)
    for n in range(n_docs):
        seq = first_seq + 3 * n
        key, url = f"mofa.go.kr/m_5676/{seq}", f"{MOFA}{seq}"
        b.doc(key, url)
        for k in range(captures_per_doc):
            body = [f"1. Release {n + 1} of the bench.", f"2. Its text as edited {k // 2} times."]
            rel = MofaRelease(seq, f"Bench release {n + 1}", "2019-01-01", body)
            at = start.replace(day=1 + k, hour=n % 24, minute=n // 24 % 60)
            capture = SimCapture(url, at.strftime("%Y%m%d%H%M%S"), _render(rel, k))
            b.good(key, capture, rel.title, rel.date, rel.body)
    return b.scenario(f"bulk {n_docs}x{captures_per_doc}", ["mofa.go.kr"])


def _render(rel: MofaRelease, hits: int) -> Callable[[], str]:
    return lambda: view_page(rel, hits)


# Re-exported: the importer's tests take the expectations and the reason names from here.
__all__ = [
    "REDIRECT",
    "EMPTY",
    "ERROR_PAGE",
    "RATE_LIMIT",
    "SOFT_404",
    "CHALLENGED",
    "ExpectedDoc",
    "ExpectedEvent",
    "ExpectedVersion",
    "Scenario",
    "bounds",
    "bulk",
    "mid",
    "mofa",
    "stamp_time",
]
