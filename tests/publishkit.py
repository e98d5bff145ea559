"""A small archive for the publish tests, recorded directly (no crawl): Russian, Korean and English documents on
two sites, one edited (two versions), one withdrawn, one with a hostile title; and an HTML link checker."""

from __future__ import annotations

import posixpath
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

from archive.attachment import Attachment
from archive.document import Release
from archive.recorder import Archive

HOSTILE = 'Statement <script>alert("x")</script> \u202eevil & "quoted"'
EDITED_KEY = "mid.ru/foreign_policy.news/2/ru"
RUSSIAN_BODY = ("Стороны обсудили ситуацию на Корейском полуострове.", "Министры согласовали план встреч.")
RUSSIAN_EDIT = ("Стороны обсудили обстановку на Корейском полуострове.", "Министры согласовали план встреч.")


class Clock:
    """A clock that moves a minute every time it is read."""

    def __init__(self) -> None:
        self.at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.at += timedelta(minutes=1)
        return self.at


def release(ident: str, lang: str, title: str, body: tuple[str, ...], **extra: object) -> Release:
    """A mid.ru release (per language), or a mofa.go.kr one with site="mofa.go.kr"."""
    site = str(extra.pop("site", "mid.ru"))
    mofa = site == "mofa.go.kr"
    return Release(
        site=site,
        collection="m_5676" if mofa else "foreign_policy.news",
        collection_name="Press Releases" if mofa else "News",
        doc_id=ident,
        language=lang,
        url=f"https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq={ident}"
        if mofa
        else f"https://mid.ru/{lang}/foreign_policy/news/{ident}/",
        title=title,
        published=extra.pop("published", date(2024, 1, int(ident) % 28 + 1)),  # type: ignore[arg-type]
        body=body,
        per_language=not mofa,
        **extra,  # type: ignore[arg-type]
    )


def make_archive(root: Path) -> Archive:
    """The publish tests' archive."""
    archive = Archive(root, clock=Clock())
    archive.record(release("1", "en", "Joint statement on trade", ("The two sides discussed trade and energy.",)))
    archive.record(release("2", "ru", "Заявление МИД России", RUSSIAN_BODY))
    archive.record(release("3", "en", HOSTILE, ("A body with <b>markup</b> & an ampersand.",)))
    archive.record(
        release(
            "321874",
            "ko",
            "한-러 외교장관회담 결과",
            ("외교부는 2일 러시아와 외교장관회담을 개최하였다고 밝혔다.",),
            site="mofa.go.kr",
            published=date(2023, 11, 5),
            attachments=(Attachment("결과.hwp", "https://www.mofa.go.kr/files/result.hwp", "a" * 64),),
        )
    )
    archive.record(release("5", "en", "Briefing withdrawn later", ("Text that was taken down.",)))
    archive.miss("mid.ru/foreign_policy.news/5/en", "https://mid.ru/en/foreign_policy/news/5/")
    archive.miss("mid.ru/foreign_policy.news/5/en", "https://mid.ru/en/foreign_policy/news/5/")
    edit(archive)
    return archive


def edit(archive: Archive, body: tuple[str, ...] = RUSSIAN_EDIT) -> None:
    """The ministry edits the Russian statement."""
    archive.record(release("2", "ru", "Заявление МИД России", body))


class Links(HTMLParser):
    """The links (<a href>), resources (src, <link href>) and <html lang> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[str] = []
        self.resources: list[str] = []
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang") or ""
        if tag == "a" and found.get("href"):
            self.anchors.append(found["href"] or "")
        if tag == "link" and found.get("href") and found.get("rel") != "canonical":
            self.resources.append(found["href"] or "")
        if found.get("src"):
            self.resources.append(found["src"] or "")
        if tag == "form" and found.get("action"):
            self.anchors.append(found["action"] or "")


def parse(path: Path) -> Links:
    """The links of the page at `path`."""
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def html_pages(site: Path) -> Iterator[Path]:
    """Every page pressroom wrote (not Pagefind's own files)."""
    return (p for p in sorted(site.rglob("*.html")) if "pagefind" not in p.relative_to(site).parts)


def target(site: Path, page: Path, href: str) -> Path | None:
    """The file a relative link leads to (None for a link out of the site)."""
    parts = urllib.parse.urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    here = page.relative_to(site).parent.as_posix()
    return site / posixpath.normpath(posixpath.join(here, urllib.parse.unquote(parts.path)))
