"""DOC arguments as people type them: a key (of today's layout or an older one), a key with the site's alias, a
key without its language, a URL."""

from __future__ import annotations

from archive.document import split_key
from archive.errors import PressroomError, UnknownDocument
from archive.recorder import Archive
from crawler.sites import resolve, site_for_url


def resolve_doc(archive: Archive, doc: str) -> str:
    """The key of an archived document from a key (the site by host or alias, the language optional where
    there is only one) or any form of its URL; UnknownDocument with a hint otherwise."""
    if "://" in doc:
        site = site_for_url(doc)
        if site is not None:
            key = site.doc_key(doc)
        else:
            rows = archive.documents_by_url(doc)
            if not rows:
                raise UnknownDocument(f"no document with URL {doc}")
            key = rows[0].key
    else:
        key = "/".join(split_key(_site_by_host(doc)))
    if archive.versions(key):
        return key
    moved = archive.moved_to(key)  # a key of an older layout (mid.ru/foreign_policy.news/1/en) still finds it
    if moved is not None and archive.versions(moved):
        return moved
    return _with_language(archive, key)


def _site_by_host(doc: str) -> str:
    """`doc` with its first part, the site, named by host (`mofa/m_5676/1` -> `mofa.go.kr/m_5676/1`)."""
    site, sep, rest = doc.strip("/").partition("/")
    try:
        return resolve(site).name + sep + rest
    except PressroomError:
        return doc  # split_key will say what is wrong with it


def _with_language(archive: Archive, key: str) -> str:
    """The key of a document given without its language, if it has one language; else a hint."""
    parts = split_key(key)
    languages = archive.languages(key)
    if len(languages) == 1:
        return f"{key}/{languages[0]}"
    moved = archive.moved_languages(key) if not languages else {}
    if len(moved) == 1:
        return next(iter(moved.values()))
    languages = languages or sorted(moved)
    if languages:
        options = ", ".join(f"{key}/{lang}" for lang in languages)
        raise UnknownDocument(f"{key} is archived in {len(languages)} languages: name one ({options})")
    if len(parts) == 4 and archive.versions("/".join(parts[:3])):
        raise UnknownDocument(f"no document {key}: {'/'.join(parts[:3])} has no language part")
    try:
        resolve(parts[0])
    except PressroomError as exc:
        raise UnknownDocument(f"no document {key}: {exc}") from None
    raise UnknownDocument(f"no document {key} in the archive at {archive.root}")
