"""The Wayback Machine's protocol, pure: CDX query URLs and rows, memento (`id_`) URLs and memento headers.

No I/O: these functions build the URLs the importer asks for and read what the archive answers. Facts they
rely on (see WAYBACK.md): CDX timestamps are 14-digit UTC and some old rows are malformed; with output=json
the first row names the fields and, with showResumeKey=true, an empty row then a one-element row holding the
resume key end a page that has a next one; a memento carries `Memento-Datetime` and a `Link` header whose
rel="original" entry names the URL actually captured; the CDX matches by SURT (scheme, `www.` and case
ignored), so a row can be a capture of another form of the URL asked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.errors import ParseError

CDX_PATH = "/cdx/search/cdx"
# Every field a capture needs; urlkey and length are asked for too so that a row can be logged whole.
CDX_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
# Rows per page of an exact-URL query: a document has tens of captures, rarely thousands; the index's own
# ceiling is 150,000 and heavy queries time out, so pages stay small enough to answer quickly.
CAPTURES_PAGE = 1000
# How far the capture the archive lands on may be from the one asked and still count as it: EDGI's client
# allows 24 hours (the archive redirects to the nearest capture, which can be months away).
LANDING_TOLERANCE = timedelta(hours=24)
# Errors the CDX answers with for an excluded site or URL: excluded, not failed (WAYBACK.md).
EXCLUSIONS = ("AdministrativeAccessControlException", "RobotAccessControlException")

_STAMP = re.compile(r"\d{14}")
# /web/<14 digits><optional mode such as id_, if_, im_>/<original URL>
_MEMENTO = re.compile(r"/web/(\d{14})(?:[a-z]{2}_)?/(.+)$", re.S)
_LINK = re.compile(r"<([^>]*)>([^<]*)")
_REL = re.compile(r"""(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))""", re.I)


@dataclass(frozen=True)
class CdxRow:
    """One capture as the CDX index lists it."""

    timestamp: datetime  # UTC
    original: str  # the URL captured (may be another form of the one asked: http/https, www or not)
    status: int | None  # the captured response's status; None for revisit rows ("-") and garbage
    mimetype: str
    digest: str  # the archive's SHA-1 of the body as stored: not a test of sameness (see WAYBACK.md)

    @property
    def stamp(self) -> str:
        """The 14-digit timestamp, as memento URLs name the capture."""
        return wayback_stamp(self.timestamp)


@dataclass(frozen=True)
class CdxPage:
    """One CDX answer: its rows, the malformed rows skipped, and the URL of the next page if there is one."""

    rows: list[CdxRow]
    skipped: int
    next_url: str | None


def wayback_stamp(moment: datetime) -> str:
    """The 14-digit UTC timestamp of `moment` (a naive datetime is taken as UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y%m%d%H%M%S")


def parse_stamp(text: str) -> datetime | None:
    """A 14-digit CDX timestamp as an aware UTC datetime; None if it is not one (short, long, impossible)."""
    if not _STAMP.fullmatch(text):
        return None
    try:
        return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _bound(value: date | datetime | str | None) -> str:
    """A `from`/`to` value: a date's day (the index widens it to the whole day), a datetime's second, a string."""
    if not value:
        return ""
    if isinstance(value, datetime):
        return wayback_stamp(value)
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    return value


def cdx_query_url(
    wayback_url: str,
    url: str,
    *,
    match: str = "exact",
    since: date | datetime | str | None = None,
    until: date | datetime | str | None = None,
    limit: int = CAPTURES_PAGE,
    collapse: str = "digest",
    status: str = "200",
    resume_key: str | None = None,
) -> str:
    """A CDX query for the captures of `url` (`match` "exact" or "prefix"), paged with a resume key.

    `status` filters on the captured status ("" for none, "!404" to exclude one); `collapse` merges adjacent
    rows with the same value of that field ("digest": runs of one text; "urlkey": one row per URL; "" none).
    """
    if match not in ("exact", "prefix"):
        raise ValueError(f"CDX matchType must be exact or prefix, not {match!r}")
    query = [("url", url), ("matchType", match), ("output", "json"), ("fl", ",".join(CDX_FIELDS))]
    if status:
        query.append(("filter", f"statuscode:{status}" if not status.startswith("!") else f"!statuscode:{status[1:]}"))
    if collapse:
        query.append(("collapse", collapse))
    for name, value in (("from", _bound(since)), ("to", _bound(until))):
        if value:
            query.append((name, value))
    query += [("limit", str(limit)), ("showResumeKey", "true")]
    if resume_key:
        query.append(("resumeKey", resume_key))
    return f"{wayback_url.rstrip('/')}{CDX_PATH}?{urlencode(query)}"


def cdx_exact_url(
    wayback_url: str,
    url: str,
    *,
    since: date | datetime | str | None = None,
    until: date | datetime | str | None = None,
    limit: int = CAPTURES_PAGE,
    collapse: str = "digest",
) -> str:
    """The first CDX page of the distinct captures (status 200, runs of one digest merged) of exactly `url`."""
    return cdx_query_url(wayback_url, url, since=since, until=until, limit=limit, collapse=collapse)


def cdx_prefix_url(
    wayback_url: str,
    prefix: str,
    *,
    since: date | datetime | str | None = None,
    until: date | datetime | str | None = None,
    limit: int = CAPTURES_PAGE,
    collapse: str = "digest",
) -> str:
    """The first CDX page of the distinct captures (status 200, runs of one digest merged) under `prefix`."""
    return cdx_query_url(wayback_url, prefix, match="prefix", since=since, until=until, limit=limit, collapse=collapse)


def with_resume(url: str, key: str) -> str:
    """`url` asking for the page after `key` (any earlier resume key replaced)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "resumeKey"]
    query.append(("resumeKey", key))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def cdx_table(text: str, url: str) -> tuple[list[str], list[object], str | None]:
    """The field names, the data rows and the resume key of a JSON CDX answer (an empty answer has none)."""
    try:
        rows = json.loads(text) if text.strip() else []
    except json.JSONDecodeError as exc:
        raise ParseError(url, f"CDX answer is not JSON: {exc}") from None
    if not isinstance(rows, list) or (rows and not isinstance(rows[0], list)):
        raise ParseError(url, "CDX answer is not a JSON array of rows")
    if not rows:
        return [], [], None
    fields, body = [str(name) for name in rows[0]], rows[1:]
    resume = None
    if len(body) >= 2 and body[-2] == [] and isinstance(body[-1], list) and len(body[-1]) == 1:
        resume, body = str(body[-1][0]), body[:-2]
    return fields, body, resume


def parse_cdx_rows(text: str, url: str) -> CdxPage:
    """The captures of one JSON CDX page; rows that are short, long or carry a malformed timestamp are counted."""
    fields, body, resume = cdx_table(text, url)
    if body and not {"timestamp", "original"} <= set(fields):
        raise ParseError(url, f"CDX answer lacks the timestamp or original field (fields: {fields})")
    rows: list[CdxRow] = []
    skipped = 0
    for raw in body:
        row = _row(fields, raw)
        if row is None:
            skipped += 1
        else:
            rows.append(row)
    return CdxPage(rows, skipped, with_resume(url, resume) if resume else None)


def _row(fields: list[str], raw: object) -> CdxRow | None:
    """One data row as a CdxRow, or None if it is not one."""
    if not isinstance(raw, list) or len(raw) != len(fields):
        return None
    values = dict(zip(fields, (str(value) for value in raw), strict=True))
    moment = parse_stamp(values["timestamp"])
    original = values["original"].strip()
    if moment is None or not original:
        return None
    status = values.get("statuscode", "")
    return CdxRow(
        timestamp=moment,
        original=original,
        status=int(status) if status.isdigit() and len(status) == 3 else None,
        mimetype=values.get("mimetype", ""),
        digest=values.get("digest", ""),
    )


def cdx_exclusion(text: str) -> str | None:
    """The access-control error an answer names (the URL is excluded from the archive), or None."""
    return next((name for name in EXCLUSIONS if name in text[:4000]), None)


def memento_url(wayback_url: str, timestamp: datetime | str, original: str) -> str:
    """The `id_` URL of a capture: its bytes as captured, without the archive's rewriting or banner."""
    stamp = timestamp if isinstance(timestamp, str) else wayback_stamp(timestamp)
    return f"{wayback_url.rstrip('/')}/web/{stamp}id_/{original}"


def parse_memento_url(url: str) -> tuple[datetime, str] | None:
    """(capture time, original URL) of a memento URL of any mode (`id_`, `if_` or none); None for other URLs."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    found = _MEMENTO.search(target)
    if found is None:
        return None
    moment = parse_stamp(found.group(1))
    # Some clients and proxies merge the double slash of the embedded URL ("https:/mid.ru/...").
    original = re.sub(r"^(https?):/+", r"\1://", found.group(2), flags=re.I)
    if moment is None or not re.match(r"https?://.", original, re.I):
        return None
    return moment, original


def _header(headers: Mapping[str, str] | Iterable[tuple[str, str]], name: str) -> list[str]:
    """Every value of header `name` (any case), from a mapping or a list of pairs."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return [value for key, value in pairs if key.lower() == name]


def link_original(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> str | None:
    """The URL of the Link header's rel="original" entry (the URL actually captured), or None."""
    for value in _header(headers, "link"):
        for entry in _LINK.finditer(value):
            for rel in _REL.finditer(entry.group(2)):
                if "original" in (rel.group(1) or rel.group(2)).lower().split():
                    return entry.group(1).strip()
    return None


def memento_datetime(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> datetime | None:
    """The Memento-Datetime header as an aware UTC datetime; None if absent or unreadable."""
    for value in _header(headers, "memento-datetime"):
        try:
            moment = parsedate_to_datetime(value.strip())
        except (TypeError, ValueError, IndexError):
            continue
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return None


def original_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """The captured response's own headers (the archive sends them prefixed `x-archive-orig-`), lower-cased."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    prefix = "x-archive-orig-"
    return {key.lower()[len(prefix) :]: value for key, value in pairs if key.lower().startswith(prefix)}


def url_key(url: str) -> str:
    """A URL compared as the CDX matches it: scheme, `www.`, default ports and case ignored, query sorted."""
    parts = urlsplit(url.strip() if "://" in url else f"http://{url.strip()}")
    host = (parts.hostname or "").lower().removeprefix("www.")
    try:
        port = str(parts.port) if parts.port not in (None, 80, 443) else ""
    except ValueError:  # a port that is no number (seen in old captures' URLs): kept as written
        port = parts.netloc.rpartition(":")[2].lower()
    query = "&".join(sorted(parts.query.split("&"))) if parts.query else ""
    path = parts.path or "/"
    return f"{host}{f':{port}' if port else ''}{path}{f'?{query}' if query else ''}".lower()


def landing_problem(asked: datetime, original: str, landed_url: str, landed_at: datetime | None = None) -> str | None:
    """Why the memento the archive landed on is not the capture asked for, or None when it is.

    `landed_url` is the final URL (after the archive's redirects); `landed_at` the landing's Memento-Datetime
    if known (else the time in the final URL). Another URL, or a capture more than a day from the one asked,
    is a redirect capture, not this document's text at that time.
    """
    parsed = parse_memento_url(landed_url)
    at = landed_at or (parsed[0] if parsed else None)
    if parsed is not None and url_key(parsed[1]) != url_key(original):
        return "redirect to another URL"
    if at is not None and abs(at - asked) > LANDING_TOLERANCE:
        return "redirect to a distant capture"
    return None
