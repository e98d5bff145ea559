"""Attachments fetched: the files a parsed release lists, through the same fetcher and politeness as its page.

Each attachment with a URL on one of the site's hosts is fetched in that host's turn, under robots.txt, with the
same retries and an own size cap (`attachment_max_bytes`), as bytes: an HTML answer is a challenge or an error
page, not the file. A file fetched is stored in the archive by its hash; one that is not (too large, blocked,
disallowed, gone, another host) is recorded on the version with the reason. Either way the release is archived.

Not fetched again: the files the document's current version already stored under the same link and name, when
the page's text is the same (`Archive.reusable_attachments`): a page whose text is unchanged is taken to attach
the same files, which spares the site a download per file on every revisit. A changed text, a new link or a new
name fetches the file anew; a file replaced under the same link and name while the text stays is not seen.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Future
from dataclasses import replace

from archive.attachment import Attachment
from archive.document import Release
from archive.errors import ArchiveError
from archive.raw import Response
from archive.recorder import Archive
from crawler.errors import Blocked, FetchError
from crawler.pipeline.captures import to_response
from crawler.pipeline.discover import SiteVisit
from crawler.sites.base import host_of

logger = logging.getLogger(__name__)

Files = tuple[Response, ...]  # the attachments' responses, for the run's WARC files


async def with_attachments(
    archive: Archive, visit: SiteVisit, parsed: Future[Release], max_bytes: int
) -> tuple[Future[Release], Files]:
    """The release being `parsed`, with its attachments fetched and stored (or their failures), and their
    responses; a page that does not parse is left to the caller, which reports it."""
    try:
        release = await asyncio.wrap_future(parsed)
    except Exception:  # a ParseError (or a parser's bug): reported where the release is archived
        return parsed, ()
    if not any(a.url for a in release.attachments):
        return parsed, ()
    reuse = archive.reusable_attachments(release)
    listed: list[Attachment] = []
    files: list[Response] = []
    for attachment in release.attachments:
        got = await _one(archive, visit, attachment, reuse, max_bytes)
        listed.append(got[0])
        files.extend(got[1:])
    done: Future[Release] = Future()
    done.set_result(replace(release, attachments=tuple(listed)))
    return done, tuple(files)


async def _one(
    archive: Archive, visit: SiteVisit, a: Attachment, reuse: dict[tuple[str, str], str], max_bytes: int
) -> tuple[Attachment] | tuple[Attachment, Response]:
    """One attachment stored (with its response) or reused, or why it is not."""
    if not a.url:
        return (a,)
    if (a.url, a.name) in reuse:
        return (a.stored(reuse[(a.url, a.name)]),)
    host = host_of(a.url)
    if not (host in visit.site.hosts or host in visit.policy.hosts or host.endswith(visit.policy.host_suffixes)):
        return (_failed(a, f"not fetched: {host} is not one of the site's hosts"),)
    policy = replace(visit.policy, binary=True, max_bytes=max_bytes)
    try:
        page = await visit.fetcher.get(visit.site.fetch_url(a.url, visit.cfg), policy)
    except FetchError as exc:
        return (_failed(a, f"blocked: {exc.reason}" if isinstance(exc, Blocked) else exc.reason),)
    try:
        sha256 = archive.store_attachment(page.content)
    except ArchiveError as exc:
        return (_failed(a, f"cannot store it: {exc}"),)
    logger.debug("attachment %s stored (%d bytes, %s)", a.url, len(page.content), sha256[:16])
    return a.stored(sha256), to_response(page)


def _failed(a: Attachment, reason: str) -> Attachment:
    logger.warning("attachment not stored: %s (%s)", a.url, reason)
    return a.failed(reason)
