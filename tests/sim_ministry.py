"""A made-up ministry, mfa.example, that pressroom knows only from a definition in pressroom.toml.

Its markup is unlike mofa.go.kr's boards and mid.ru's Bitrix pages: a list of teasers under
/press/?page=N (two a page; a page past the end shows the last page again, as many CMSs do) and release
pages at /press/releases/<id>/ with the date as YYYY/MM/DD in a `pr-meta` line and a share box inside the
text. `edit` changes a release between runs; `MINISTRY_TABLE` is the definition a user would write.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace

from tests.simserver import Reply, Request

PER_PAGE = 2


@dataclass(frozen=True)
class Statement:
    """One press release of the ministry."""

    id: int
    title: str
    day: str  # YYYY/MM/DD, as the site prints it
    clock: str  # HH:MM, Pacific/Auckland time
    paragraphs: tuple[str, ...]


STATEMENTS = (
    Statement(
        1042,
        "Minister welcomes the fisheries accord",
        "2024/03/12",
        "09:15",
        ("The Minister welcomed the regional fisheries accord signed today.", "It enters into force in May."),
    ),
    Statement(
        1043,
        "Statement on the volcanic ash advisory",
        "2024/04/02",
        "17:40",
        ("Travellers should check with their airline.", "Consular staff are on call around the clock."),
    ),
    Statement(
        1044,
        "Joint communiqué with the Republic of Coralia",
        "2024/05/20",
        "11:05",
        ("The two ministers reaffirmed their friendship.", "They agreed to meet again next year."),
    ),
)


def release_page(s: Statement) -> str:
    """A release page: header and footer around a pr- block."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in s.paragraphs[:1])
    body += '<aside class="share">Share this page: <a href="#">Mastodon</a></aside>'
    body += "".join(f"<p>{html.escape(p)}</p>" for p in s.paragraphs[1:])
    return f"""<!DOCTYPE html><html lang="en"><head><title>{html.escape(s.title)} | MFA Exampleland</title>
<link rel="canonical" href="https://www.mfa.example/press/releases/{s.id}/"></head>
<body><header class="masthead"><h1>Ministry of Foreign Affairs of Exampleland</h1>
<nav><a href="/">Home</a> <a href="/press/?page=1">Press</a></nav></header>
<div id="main"><div class="pr-head"><h2 class="pr-title">{html.escape(s.title)}</h2>
<div class="pr-meta">Released <span class="pr-date">{s.day}</span> at <span class="pr-time">{s.clock}</span></div></div>
<div class="pr-text">{body}</div>
<div class="pr-files"><a href="/files/{s.id}.pdf">Statement ({s.id}).pdf</a></div></div>
<footer>© Ministry of Foreign Affairs of Exampleland · <a href="/contact">Contact</a></footer></body></html>"""


def list_page(items: list[Statement], page: int) -> str:
    """A page of teasers, newest first, with a pager."""
    teasers = "".join(
        f'<div class="teaser"><a class="teaser-link" href="/press/releases/{s.id}/">{html.escape(s.title)}</a>'
        f'<small class="teaser-date">{s.day}</small></div>'
        for s in items
    )
    return f"""<!DOCTYPE html><html lang="en"><head><title>Press | MFA Exampleland</title></head>
<body><header class="masthead"><h1>Ministry of Foreign Affairs of Exampleland</h1></header>
<div id="main"><div class="press-teasers">{teasers}</div>
<p class="pager"><a href="/press/?page={page + 1}">Older</a> <a href="/about/">About the ministry</a></p></div>
</body></html>"""


class MinistrySim:
    """The ministry's site; change it between runs with `edit`."""

    def __init__(self, statements: tuple[Statement, ...] = STATEMENTS) -> None:
        self.statements = {s.id: s for s in statements}

    def edit(self, ident: int, **changes: object) -> None:
        """Change a release as the ministry would, silently."""
        self.statements[ident] = replace(self.statements[ident], **changes)  # type: ignore[arg-type]

    def __call__(self, request: Request) -> Reply:
        if request.path == "/robots.txt":
            return Reply(200, "User-agent: *\nDisallow: /search/\n", {"Content-Type": "text/plain"})
        match = re.fullmatch(r"/press/releases/([0-9]+)/", request.path)
        if match and int(match[1]) in self.statements:
            return Reply(200, release_page(self.statements[int(match[1])]))
        if request.path == "/press/":
            newest = sorted(self.statements.values(), key=lambda s: -s.id)
            last = max(1, -(-len(newest) // PER_PAGE))
            page = min(max(1, int(request.query.get("page") or 1)), last)  # past the end: the last page
            return Reply(200, list_page(newest[(page - 1) * PER_PAGE : page * PER_PAGE], page))
        return Reply(404, "<html><body><h2>Page not found</h2></body></html>")


MINISTRY_TABLE = r"""
[sites."mfa.example"]
description = "Ministry of Foreign Affairs of Exampleland"
aliases = ["exampleland"]
hosts = ["www.mfa.example", "mfa.example"]
language = "en"
time_zone = "Pacific/Auckland"
release_url = '/press/releases/(?P<id>[0-9]+)/'
list_urls = ["https://www.mfa.example/press/?page={page}"]
date_formats = ["%Y/%m/%d"]
min_interval = 0

[sites."mfa.example".select]
title = ["h2.pr-title", "h1"]
date = ["span.pr-date"]
time = ["span.pr-time"]
body = ["div.pr-text"]
drop = ["aside.share"]
attachments = ["div.pr-files a"]
list_items = ["div.press-teasers div.teaser"]
list_link = ["a.teaser-link"]
list_date = ["small.teaser-date"]

[sites."mfa.example".backfill]
pages = 10
"""
