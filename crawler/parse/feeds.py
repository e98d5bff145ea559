"""RSS 2.0 and Atom feeds to (link, title, date) entries; XML parsed without entity expansion."""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass
from datetime import datetime
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

ATOM = "{http://www.w3.org/2005/Atom}"
_PROLOG = re.compile(r"^\s*<\?xml[^>]*\?>")
_DECLARED = re.compile(rb"^\s*<\?xml[^>]+encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")


class FeedError(ValueError):
    """Not a feed, or a feed that cannot be parsed safely."""


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed."""

    link: str
    title: str
    published: datetime | None


def parse_feed(data: bytes | str) -> list[FeedEntry]:
    """The entries of an RSS 2.0 or Atom document (the XML prolog picks the encoding, e.g. EUC-KR)."""
    # expat decodes no multi-byte legacy encoding (EUC-KR, Shift_JIS, GB2312, ...): decode here.
    text = data if isinstance(data, str) else _decode(data)
    utf8 = _PROLOG.sub("", text, count=1).encode("utf-8")
    try:
        root = ElementTree.fromstring(utf8, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise FeedError(f"unsafe XML refused ({type(exc).__name__})") from None
    except ElementTree.ParseError as exc:
        raise FeedError(f"not well-formed XML: {exc}") from None
    if root.tag == f"{ATOM}feed":
        return [_atom_entry(e) for e in root.iter(f"{ATOM}entry")]
    if root.tag == "rss":
        return [_rss_item(item) for item in root.iter("item")]
    raise FeedError(f"neither RSS nor Atom (root element {root.tag!r})")


def _rss_item(item: Element) -> FeedEntry:
    when = (item.findtext("pubDate") or "").strip()
    published = None
    if when:
        try:
            published = email.utils.parsedate_to_datetime(when)
        except (TypeError, ValueError):
            published = None
    return FeedEntry((item.findtext("link") or "").strip(), (item.findtext("title") or "").strip(), published)


def _atom_entry(entry: Element) -> FeedEntry:
    link = ""
    for element in entry.iter(f"{ATOM}link"):
        if element.get("rel", "alternate") == "alternate":
            link = element.get("href", "")
            break
    when = (entry.findtext(f"{ATOM}published") or entry.findtext(f"{ATOM}updated") or "").strip()
    published = None
    if when:
        try:
            published = datetime.fromisoformat(when.replace("Z", "+00:00"))
        except ValueError:
            published = None
    return FeedEntry(link.strip(), (entry.findtext(f"{ATOM}title") or "").strip(), published)


def _decode(data: bytes) -> str:
    """Bytes to text by the XML rule: the prolog's declared encoding, else UTF-8 (the fetcher hands over text)."""
    declared = _DECLARED.match(data)
    try:
        return data.decode(declared[1].decode("ascii") if declared else "utf-8-sig")
    except (LookupError, UnicodeDecodeError) as exc:
        raise FeedError(f"not decodable as its declared encoding: {exc}") from None
