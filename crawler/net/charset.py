"""Bytes to text for HTML and XML: the HTTP header, then the document's own declaration, then detection.

Which legacy encodings a site served before UTF-8 is the site's knowledge (`Site.legacy_charsets`, carried
here by the `Policy`): they are tried strictly, and are the candidates of statistical detection, beside
the one legacy encoding any site may have served.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]+encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']", re.I)
# Labels pages misuse for a superset, decoded as the superset as browsers do (WHATWG Encoding Standard):
# pages labelled EUC-KR use characters only CP949 has, pages labelled Latin-1 those of windows-1252.
_SUPERSETS = {
    "euc-kr": "cp949",
    "euc_kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
}
# Windows-1252: what browsers take an unlabelled or Latin-1 page for (WHATWG), so any site may have served it.
GENERIC_LEGACY = ("cp1252",)


def decode_html(body: bytes, content_type: str = "", legacy: tuple[str, ...] = ()) -> tuple[str, str]:
    """Decode a page; return (text, the encoding used).

    `legacy` names the encodings the site used before UTF-8: tried strictly after the declared ones fail,
    before statistical detection (which can misjudge a page with few non-ASCII characters), and then the
    candidates of that detection.
    """
    for declared in (_from_header(content_type), _from_document(body)):
        if declared:
            try:
                return body.decode(declared), declared
            except UnicodeDecodeError:
                continue  # a mislabelled page: fall through to the next source
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", errors="replace"), "utf-8"
    for candidate in ("utf-8", *_known(legacy)):
        try:
            return body.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    best = from_bytes(body, cp_isolation=detection_candidates(legacy)).best()
    if best is not None and best.encoding:
        return str(best), best.encoding
    return body.decode("utf-8", errors="replace"), "utf-8"


def detection_candidates(legacy: tuple[str, ...]) -> list[str]:
    """What statistical detection chooses among: the site's legacy encodings, then the generic ones, once each."""
    return list(dict.fromkeys(_known((*legacy, *GENERIC_LEGACY))))


def _known(labels: tuple[str, ...]) -> list[str]:
    """Python's names for the encodings named (a superset for a label pages misuse); unknown ones left out."""
    return [name for name in map(_codec, labels) if name]


def _from_header(content_type: str) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return _codec(match[1]) if match else None


def _from_document(body: bytes) -> str | None:
    head = body[:4096]
    match = _XML_DECL.search(head) or _META_CHARSET.search(head)
    return _codec(match[1].decode("ascii", "replace")) if match else None


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    label = _SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None
