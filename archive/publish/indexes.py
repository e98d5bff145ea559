"""The published site's index pages: the archive's front page, one page per site, per collection and per year
of a collection (documents by month, newest first, with counts), and the changes page beside the Atom feed."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from archive.changes import Change
from archive.publish.documents import diff_path
from archive.publish.html import attr, esc, link, page
from archive.publish.paths import CHANGES_PATH, FEED_PATH, page_path


@dataclass(frozen=True)
class Entry:
    """One document as the indexes list it."""

    key: str
    site: str
    collection: str  # the id: a path component
    collection_name: str
    title: str
    published: str  # ISO 8601
    language: str
    versions: int
    status: str


def site_path(site: str) -> str:
    """A site's index page."""
    return f"{site}/index.html"


def collection_path(site: str, collection: str) -> str:
    """A collection's index page (its years)."""
    return f"{site}/{collection}/index.html"


def year_path(site: str, collection: str, year: str) -> str:
    """The page of one year of a collection (a document id has no dot, so no document folder is named so)."""
    return f"{site}/{collection}/{year}.html"


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def render(entries: Iterable[Entry]) -> dict[str, str]:
    """The front page and every site, collection and year page, by path in the site."""
    by_site: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_site[entry.site].append(entry)
    pages = {"index.html": _front(by_site)}
    for site, docs in by_site.items():
        by_collection: dict[str, list[Entry]] = defaultdict(list)
        for entry in docs:
            by_collection[entry.collection].append(entry)
        pages[site_path(site)] = _site(site, by_collection)
        for collection, members in by_collection.items():
            pages.update(_collection(site, collection, members))
    return pages


def _front(by_site: dict[str, list[Entry]]) -> str:
    here = "index.html"
    rows = "\n".join(
        f'<tr><td>{link(here, site_path(site), site)}</td><td class="num">{len(docs):,}</td>'
        f'<td class="num">{sum(e.versions for e in docs):,}</td></tr>'
        for site, docs in sorted(by_site.items())
    )
    total = sum(len(docs) for docs in by_site.values())
    body = (
        f"<h1>Press release archive</h1>\n<p>{_count(total, 'document', 'documents')} on "
        f"{_count(len(by_site), 'site', 'sites')}; every version the sites showed, with what changed.</p>\n"
        '<table class="sites">\n<tr><th>site</th><th>documents</th><th>versions</th></tr>\n'
        f"{rows}\n</table>\n<p>{link(here, CHANGES_PATH, 'Changes')} (edits, reverts, withdrawals; "
        f"{link(here, FEED_PATH, 'Atom feed')}) · {link(here, 'search.html', 'Search')}</p>"
    )
    return page(here, "Press release archive", body)


def _site(site: str, by_collection: dict[str, list[Entry]]) -> str:
    here = site_path(site)
    rows = []
    for collection, members in sorted(by_collection.items()):
        years = Counter(e.published[:4] for e in members)
        year_links = ", ".join(
            f"{link(here, year_path(site, collection, y), y)} ({n:,})" for y, n in sorted(years.items(), reverse=True)
        )
        rows.append(
            f"<tr><td>{link(here, collection_path(site, collection), members[0].collection_name or collection)}"
            f'</td><td class="num">{len(members):,}</td><td>{year_links}</td></tr>'
        )
    body = (
        f"<h1>{esc(site)}</h1>\n"
        '<table class="collections">\n<tr><th>collection</th><th>documents</th><th>by year</th></tr>\n'
        + "\n".join(rows)
        + "\n</table>"
    )
    return page(here, site, body)


def _collection(site: str, collection: str, members: list[Entry]) -> dict[str, str]:
    here = collection_path(site, collection)
    name = members[0].collection_name or collection
    by_year: dict[str, list[Entry]] = defaultdict(list)
    for entry in members:
        by_year[entry.published[:4]].append(entry)
    rows = "\n".join(
        f'<tr><td>{link(here, year_path(site, collection, y), y)}</td><td class="num">{len(docs):,}</td></tr>'
        for y, docs in sorted(by_year.items(), reverse=True)
    )
    body = (
        f"<h1>{esc(name)}</h1>\n<p>{link(here, site_path(site), site)} · {esc(collection)} · "
        f"{_count(len(members), 'document', 'documents')}</p>\n"
        f'<table class="years">\n<tr><th>year</th><th>documents</th></tr>\n{rows}\n</table>'
    )
    pages = {here: page(here, f"{name} ({site})", body)}
    for year, docs in by_year.items():
        path = year_path(site, collection, year)
        pages[path] = page(path, f"{name} {year} ({site})", _year_body(path, site, collection, name, year, docs))
    return pages


def _year_body(here: str, site: str, collection: str, name: str, year: str, docs: list[Entry]) -> str:
    by_month: dict[str, list[Entry]] = defaultdict(list)
    for entry in docs:
        by_month[entry.published[:7]].append(entry)
    parts = [
        f"<h1>{esc(name)}, {esc(year)}</h1>\n<p>{link(here, site_path(site), site)} · "
        f"{link(here, collection_path(site, collection), name)} · {_count(len(docs), 'document', 'documents')}</p>"
    ]
    for month, members in sorted(by_month.items(), reverse=True):
        items = "\n".join(_item(here, e) for e in sorted(members, key=lambda e: (e.published, e.key), reverse=True))
        parts.append(f"<h2>{esc(month)} ({len(members):,})</h2>\n<ul>\n{items}\n</ul>")
    return "\n".join(parts)


def _item(here: str, entry: Entry) -> str:
    extra = f", {entry.versions} versions" if entry.versions > 1 else ""
    extra += ", withdrawn" if entry.status == "withdrawn" else ""
    return (
        f'<li lang="{attr(entry.language)}">{esc(entry.published[:10])} {link(here, page_path(entry.key), entry.title)}'
        f' <span class="muted">({esc(entry.language)}{extra})</span></li>'
    )


def changes_page(events: list[Change], pages: set[str]) -> str:
    """The changes page: every event, newest first (live, and found between web-archive captures, marked),
    linked to the document and (for an edit) its diff."""
    here = CHANGES_PATH
    rows = []
    for event in events:
        target = diff_path(event.key, event.old or 0, event.new or 0)
        what = link(here, target, f"v{event.old}→v{event.new}") if target in pages else f"v{event.new}"
        words = f"+{event.added}/−{event.removed} words" if event.verb in ("changed", "reverted") else ""
        doc = link(here, page_path(event.key), event.title) if page_path(event.key) in pages else esc(event.title)
        # An event found between two web-archive captures is marked, and says which.
        kind = esc(event.label) + (f'<br><span class="muted">{esc(event.between())}</span>' if event.between() else "")
        rows.append(f"<tr><td>{esc(event.at)}</td><td>{kind}</td><td>{what}</td><td>{words}</td><td>{doc}</td></tr>")
    head = f'<link rel="alternate" type="application/atom+xml" title="Changes" href="{FEED_PATH}">\n'
    body = (
        f"<h1>Changes</h1>\n<p>{_count(len(events), 'event', 'events')}, newest first; also as an "
        f"{link(here, FEED_PATH, 'Atom feed')}.</p>\n"
        '<table class="changes">\n'
        "<tr><th>when</th><th>event</th><th>versions</th><th>words</th><th>document</th></tr>\n"
        + "\n".join(rows)
        + "\n</table>"
    )
    return page(here, "Changes", body, head=head)
