"""`add`: archive the releases at given URLs now, through the crawl's fetcher, parsers and archive.

The URLs are sorted first, offline (`sort_urls`): each is taken to its site's canonical form and document key
by the site's own `canonical_url` and `doc_key` (so every URL shape a site accepts works here too), two forms
of one document are fetched once, and a URL no site accepts is rejected with the reason. The releases are
then visited like a crawl's: per-host turns, robots.txt, conditional GET for a document already archived
(a new version only if the text changed), raw captures, a run recorded with the command `add`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from crawler.pipeline.engine import Engine
from crawler.pipeline.report import RunReport
from crawler.pipeline.stop import Stop
from crawler.progress import Progress
from crawler.sites.base import Site, host_of

logger = logging.getLogger("crawler.pipeline.engine")  # the run's lines keep the name they always had


@dataclass(frozen=True)
class Rejected:
    """A URL that no site accepts, and why."""

    url: str
    reason: str

    def __str__(self) -> str:
        return f"not added: {self.url}: {self.reason}"


@dataclass
class Sorted:
    """The URLs of an `add`: canonical URLs to visit per site (in the order given), and the rejected ones."""

    targets: dict[str, list[str]] = field(default_factory=dict)  # site name -> canonical URLs, one per document
    sites: dict[str, Site] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (URL given, the URL it duplicates)


def sort_urls(urls: Iterable[str], sites: Iterable[Site]) -> Sorted:
    """Sort `urls` by site, each in its canonical form, one per document key; reject what no site accepts."""
    known = list(sites)
    result = Sorted()
    seen: dict[str, str] = {}  # document key -> the URL given first for it
    for url in urls:
        site, canonical_or_reason = _canonical(url.strip(), known)
        if site is None:
            result.rejected.append(Rejected(url, canonical_or_reason))
            continue
        key = site.doc_key(canonical_or_reason)
        if key in seen:
            result.duplicates.append((url, seen[key]))
            continue
        seen[key] = url
        result.sites[site.name] = site
        result.targets.setdefault(site.name, []).append(canonical_or_reason)
    return result


def _canonical(url: str, sites: list[Site]) -> tuple[Site | None, str]:
    """(the site, the canonical URL), or (None, why no site accepts `url`)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None, "not an http:// or https:// URL"
    reasons = []
    for site in sites:
        try:
            return site, site.canonical_url(url)
        except ValueError as exc:
            if _serves(site, host_of(url)):
                reasons.append(_without_url(str(exc), url))
    if reasons:  # the host is a known site's, the path is not one of its releases
        return None, "; ".join(reasons)
    names = ", ".join(site.name for site in sites)
    return None, f"no known site serves {host_of(url)} (sites: {names})"


def _serves(site: Site, host: str) -> bool:
    """Whether `host` is one of the site's hosts or a subdomain of one (mission hosts such as city.mofa.go.kr)."""
    return host in site.hosts or any(host.endswith("." + known) for known in site.hosts | {site.name})


def _without_url(reason: str, url: str) -> str:
    """A site's reason without the URL it ends with: the line names the URL once, first."""
    return reason.removesuffix(f": {url}").removesuffix(url).rstrip(": ") or reason


async def add_urls(engine: Engine, chosen: Sorted, *, stop: Stop, progress: Progress | None = None) -> RunReport:
    """Visit the sorted URLs, each site's in the order given (the sites at once: they are other hosts);
    `stop` is the one the engine was given, `progress` is told of every URL dealt with."""
    names = list(chosen.targets)
    sites = [chosen.sites[name] for name in names]
    if progress is not None:
        progress.add(sum(len(urls) for urls in chosen.targets.values()))
    done = (lambda url, kind: progress.advance()) if progress is not None else None
    with engine.run("add", names) as run:
        async with engine.open_fetcher(sites) as fetcher:
            cut = await asyncio.gather(
                *(
                    engine.visit_many(fetcher, site, chosen.targets[site.name], report, run.run_id, done=done)
                    for site, report in zip(sites, run.sites, strict=True)
                )
            )
            if any(cut):  # a stop left some of the URLs unvisited
                run.stopped_by = stop.reason
            run.requests = fetcher.requests
    return run
