"""mid.ru and archive.mid.ru as SITES.md describes them: robots.txt with Disallow: /*?PAGEN, section list
pages (?PAGEN_1=N beyond page 1), article pages in every language of an id (/<lang>/…/<id>/ and ?lang=),
RSS feeds, and switches that turn every answer into the F5 challenge page or reset every connection."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from tests.simserver import Reply, Request
from tests.sitegen.mid import (
    CHALLENGE,
    MidArticle,
    OldArticle,
    article_page,
    list_page,
    old_article_page,
    old_list_page,
    rss,
)

PER_PAGE = 20
ROBOTS = "User-agent: *\nDisallow: /*?PAGEN\nDisallow: /bitrix/\n"


class MidSim:
    """The current site; mutate it between runs."""

    def __init__(self, articles: list[MidArticle], *, robots: str = ROBOTS) -> None:
        self.articles = {(a.lang, a.id): a for a in articles}
        self.robots = robots
        self.challenge = False  # every answer becomes the F5 challenge page (HTTP 200)
        self.reset = False  # every connection is reset
        self.empty_lists = False  # list pages come back without items (another face of blocking)
        self.removed: set[int] = set()
        self.views: Counter[tuple[str, int]] = Counter()
        # Sections that list an article of another section too (the site serves an id under any section
        # path): section path -> ids. Their list links point into that section, as the real site's do.
        self.also: dict[str, set[int]] = {}
        self.files: dict[str, bytes] = {}  # /upload/… path -> the file the site serves there

    def edit(self, lang: str, ident: int, **changes: object) -> None:
        self.articles[(lang, ident)] = replace(self.articles[(lang, ident)], **changes)  # type: ignore[arg-type]

    def __call__(self, request: Request) -> Reply:
        if self.reset:
            return Reply(action="reset")
        if self.challenge:
            return Reply(200, CHALLENGE)
        if request.path == "/robots.txt":
            return Reply(200, self.robots, {"Content-Type": "text/plain"})
        if request.path in self.files:
            return Reply(200, self.files[request.path], {"Content-Type": "application/pdf"})
        match = re.fullmatch(r"/([a-z]{2})/rss\.php", request.path)
        if match:
            items = sorted((a for (lang, _), a in self.articles.items() if lang == match[1]), key=lambda a: -a.id)
            return Reply(200, rss(match[1], items), {"Content-Type": "application/rss+xml; charset=utf-8"})
        match = re.fullmatch(r"/([a-z]{2})/((?:[a-z0-9_-]+/)+?)([0-9]+)/", request.path)
        if match:
            return self._article(match[1], int(match[3]), request.query.get("lang"))
        match = re.fullmatch(r"/([a-z]{2})/((?:[a-z0-9_-]+/)+)", request.path)
        if match:
            return self._list(match[1], match[2].strip("/"), int(request.query.get("PAGEN_1") or 1))
        return Reply(404, "<html><body>404</body></html>")

    def _article(self, prefix: str, ident: int, lang: str | None) -> Reply:
        article = self.articles.get((lang or prefix, ident))
        if article is None or ident in self.removed:
            return Reply(404, "<html><body><h1>404 Not Found</h1></body></html>")
        self.views[(article.lang, ident)] += 1
        return Reply(200, article_page(article))

    def _list(self, lang: str, section: str, page: int) -> Reply:
        also = self.also.get(section, set())
        rows = sorted(
            (
                replace(a, section=section)
                for (lg, i), a in self.articles.items()
                if lg == lang and (a.section == section or i in also) and i not in self.removed
            ),
            key=lambda a: -a.id,
        )
        chunk = [] if self.empty_lists else rows[(page - 1) * PER_PAGE : page * PER_PAGE]
        return Reply(200, list_page(lang, section, chunk, more=len(rows) > page * PER_PAGE))


class OldMidSim:
    """archive.mid.ru: frozen; list pages and articles."""

    def __init__(self, articles: list[OldArticle]) -> None:
        self.articles = {a.path: a for a in articles}
        self.challenge = False

    def __call__(self, request: Request) -> Reply:
        if self.challenge:
            return Reply(200, CHALLENGE)
        if request.path == "/robots.txt":
            return Reply(404, "not found")
        if request.path in self.articles:
            return Reply(200, old_article_page(self.articles[request.path]))
        match = re.fullmatch(r"/([a-z]{2})/((?:[a-z_]+/)+)", request.path)
        if match:
            rows = [a for a in self.articles.values() if a.lang == match[1] and a.section == match[2].strip("/")]
            return Reply(200, old_list_page(match[1], sorted(rows, key=lambda a: -a.id)))
        return Reply(404, "<html><body>404</body></html>")
