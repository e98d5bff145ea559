"""Release and Version values, and the plain-text version-file format.

A version file is a block of `Key: value` header lines, a blank line, the title, a blank line, then the
body paragraphs separated by blank lines, with a trailing newline. Everything in it is normalized (NFC,
whitespace collapsed), so the same release always renders to the same bytes and its content hash can be
recomputed from the file alone.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from archive.attachment import Attachment, parse_legacy, parse_line
from archive.errors import ArchiveError, CorruptVersion

# Path components come only from these shapes, so no page or URL can steer a write outside the archive.
SITE_RE = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")
SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
DOC_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
LANG_RE = re.compile(r"^[a-z]{2,3}$")
# The key's second part for a site whose ids are one sequence over all its collections (mid.ru): the id
# alone names the document, whichever section it was reached through (see Release.site_wide_id).
SITE_WIDE = "id"
# A collection id that is no path component (a site-wide id's section path, however deep) may be longer.
LONG_SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$")

# Zero-width characters the sites' editors sprinkle into text; they carry no content.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"\s+")

HEADER_ORDER = (
    "Title",
    "URL",
    "Site",
    "Collection",
    "Collection-Id",
    "Document-Id",
    "Language",
    "Published",
    "Modified",
    "Captured",
    "Origin",
    "Document-Number",
    "Translations",
    "Tags",
    "Attachments",  # written as one `Attachment:` line per file (archive/attachment.py); read in both forms
)
ATTACHMENT = "Attachment"
_LIST_HEADERS = {"Translations": "translations", "Tags": "tags"}
_LIST_SEP = " | "
_REQUIRED_HEADERS = ("Title", "URL", "Site", "Collection-Id", "Document-Id", "Language", "Published", "Captured")


def split_key(key: str) -> tuple[str, ...]:
    """Validate a document key and return its parts (site, collection, id[, lang])."""
    parts = tuple(key.strip("/").split("/"))
    if len(parts) not in (3, 4):
        raise ArchiveError(f"invalid document key {key!r}: expected site/collection/id[/lang]")
    checks = [SITE_RE, SLUG_RE, DOC_ID_RE, LANG_RE][: len(parts)]
    for pattern, part in zip(checks, parts, strict=True):
        if not pattern.match(part):
            raise ArchiveError(f"invalid document key {key!r}: bad part {part!r}")
    return parts


def normalize_text(text: str) -> str:
    """Return `text` in NFC with invisible characters removed and whitespace runs collapsed to one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text).translate(_INVISIBLE)).strip()


def normalize_paragraphs(paragraphs: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Normalize every paragraph and drop the empty ones."""
    return tuple(p for p in map(normalize_text, paragraphs) if p)


def format_published(value: date | datetime) -> str:
    """Render a publication date as ISO 8601 (date only when the site gives no time)."""
    if isinstance(value, datetime):
        return value.isoformat()
    return value.isoformat()


def parse_published(text: str) -> date | datetime:
    """Parse what `format_published` wrote."""
    if "T" in text:
        value = datetime.fromisoformat(text)
        if value.tzinfo is None:
            raise ValueError(f"published time without a time zone: {text!r}")
        return value
    return date.fromisoformat(text)


def format_captured(value: datetime) -> str:
    """Render a capture time as UTC with second precision."""
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_captured(text: str) -> datetime:
    """Parse what `format_captured` wrote."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


@dataclass(frozen=True)
class Release:
    """One press release as a site published it, normalized."""

    site: str
    collection: str  # the site's stable id of the board or section; a path component
    collection_name: str  # what the site calls it, e.g. "Press Releases"
    doc_id: str
    language: str
    url: str
    title: str
    published: date | datetime
    body: tuple[str, ...]
    document_number: str = ""
    translations: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    # When the site says the release was last edited (mofa.go.kr's 수정일): metadata, outside the content hash,
    # so a new modified date alone is no new text; the version file keeps the one seen with its text.
    modified: date | datetime | None = None
    # True where one document id holds several languages, each its own version series (mid.ru).
    per_language: bool = field(default=False, compare=False)
    # True where the id is unique across the site's collections: the key files the document under SITE_WIDE,
    # not under the collection it was reached through (which the Collection-Id header still names).
    site_wide_id: bool = field(default=False, compare=False)
    # Set on the copies normalized() makes, so normalizing again (recorder, store, hash) costs nothing.
    _normal: bool = field(default=False, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        checks = (
            (SITE_RE, self.site, "site"),
            (LONG_SLUG_RE if self.site_wide_id else SLUG_RE, self.collection, "collection"),
            (DOC_ID_RE, self.doc_id, "document id"),
            (LANG_RE, self.language, "language"),
        )
        for pattern, value, what in checks:
            if not pattern.match(value):
                raise ValueError(f"invalid {what} {value!r}")
        for when in (self.published, self.modified):
            if isinstance(when, datetime) and when.tzinfo is None:
                raise ValueError(f"published or modified time without a time zone for {self.url}")

    def normalized(self) -> Release:
        """Return a copy with every text field normalized and empty paragraphs dropped."""
        if self._normal:
            return self
        normal = replace(
            self,
            title=normalize_text(self.title),
            collection_name=normalize_text(self.collection_name),
            body=normalize_paragraphs(self.body),
            document_number=normalize_text(self.document_number),
            translations=normalize_paragraphs(self.translations),
            tags=normalize_paragraphs(self.tags),
            attachments=tuple(
                replace(a, name=normalize_text(a.name), failure=normalize_text(a.failure)).with_url_safe()
                for a in self.attachments
                if normalize_text(a.name)
            ),
        )
        object.__setattr__(normal, "_normal", True)
        return normal

    @property
    def key(self) -> str:
        """The document's key: its folder under the archive root."""
        parts = [self.site, SITE_WIDE if self.site_wide_id else self.collection, self.doc_id]
        if self.per_language:
            parts.append(self.language)
        return "/".join(parts)

    def content(self) -> str:
        """The hashed content: title, publication date and body only (never volatile page parts)."""
        r = self.normalized()
        return "\n".join([r.title, format_published(r.published), "", *r.body])

    def sha256(self) -> str:
        """SHA-256 of the normalized content."""
        return hashlib.sha256(self.content().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Version:
    """One stored version of a release: the release and when it was first captured in this form."""

    release: Release
    captured: datetime
    origin: str = ""  # set when the version comes from re-extracting a stored capture, not from a visit

    def __post_init__(self) -> None:
        # A version holds exactly what its file holds: normalized text, capture time to the second in UTC.
        object.__setattr__(self, "release", self.release.normalized())
        object.__setattr__(self, "captured", self.captured.astimezone(UTC).replace(microsecond=0))

    def headers(self) -> dict[str, str]:
        """The header lines of the version file, in file order."""
        r = self.release
        values = {
            "Title": r.title,
            "URL": r.url,
            "Site": r.site,
            "Collection": r.collection_name,
            "Collection-Id": r.collection,
            "Document-Id": r.doc_id,
            "Language": r.language,
            "Published": format_published(r.published),
            "Modified": format_published(r.modified) if r.modified is not None else "",
            "Captured": format_captured(self.captured),
            "Origin": self.origin,
            "Document-Number": r.document_number,
            "Translations": _LIST_SEP.join(r.translations),
            "Tags": _LIST_SEP.join(r.tags),
            "Attachments": "\n".join(a.line() for a in r.attachments),
        }
        return {k: normalize_text(values[k]) if k != "Attachments" else values[k] for k in HEADER_ORDER if values[k]}

    def header_lines(self) -> list[tuple[str, str]]:
        """The header lines as written: one `Attachment` line per attachment where `headers` has `Attachments`."""
        lines: list[tuple[str, str]] = []
        for key, value in self.headers().items():
            if key == "Attachments":
                lines.extend((ATTACHMENT, a.line()) for a in self.release.attachments)
            else:
                lines.append((key, value))
        return lines

    def render(self) -> str:
        """The whole version file."""
        r = self.release
        head = "".join(f"{k}: {v}\n" for k, v in self.header_lines())
        body = "".join(f"\n{p}\n" for p in r.body)
        return f"{head}\n{r.title}\n{body}"


def parse_version(text: str, *, source: str, per_language: bool = False, site_wide_id: bool = False) -> Version:
    """Parse a version file; `source` names it in errors. The file does not say how its document is keyed:
    `per_language` and `site_wide_id` come from the folder it is read from."""
    head, sep, rest = text.partition("\n\n")
    if not sep or not text.endswith("\n"):
        raise CorruptVersion(f"{source}: no header block followed by a blank line")
    headers, attachments = _parse_headers(head, source)
    blocks = rest.rstrip("\n").split("\n\n")
    if blocks[0] != headers["Title"]:
        raise CorruptVersion(f"{source}: the title line does not match the Title header")
    lists = {attr: tuple(headers[h].split(_LIST_SEP)) for h, attr in _LIST_HEADERS.items() if h in headers}
    try:
        release = Release(
            site=headers["Site"],
            collection=headers["Collection-Id"],
            collection_name=headers.get("Collection", ""),
            doc_id=headers["Document-Id"],
            language=headers["Language"],
            url=headers["URL"],
            title=headers["Title"],
            published=parse_published(headers["Published"]),
            body=tuple(blocks[1:]),
            document_number=headers.get("Document-Number", ""),
            modified=parse_published(headers["Modified"]) if "Modified" in headers else None,
            attachments=attachments or parse_legacy(headers.get("Attachments", "")),
            per_language=per_language,
            site_wide_id=site_wide_id,
            **lists,
        )
        captured = parse_captured(headers["Captured"])
    except ValueError as exc:
        raise CorruptVersion(f"{source}: {exc}") from None
    return Version(release, captured, headers.get("Origin", ""))


def _parse_headers(head: str, source: str) -> tuple[dict[str, str], tuple[Attachment, ...]]:
    """The `Key: value` lines of a version file's header block, every required one present, and its
    `Attachment:` lines."""
    headers: dict[str, str] = {}
    attachments = []
    for line in head.split("\n"):
        key, colon, value = line.partition(": ")
        if colon and key == ATTACHMENT:
            attachments.append(parse_line(value))
            continue
        if not colon or key not in HEADER_ORDER:
            raise CorruptVersion(f"{source}: unexpected header line {line[:60]!r}")
        headers[key] = value
    missing = [k for k in _REQUIRED_HEADERS if k not in headers]
    if missing:
        raise CorruptVersion(f"{source}: missing header {', '.join(missing)}")
    return headers, tuple(attachments)
