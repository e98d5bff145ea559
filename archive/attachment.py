"""One attachment of a release as its version file lists it: name, URL, and the stored file's hash or why not.

A version file lists each attachment on its own `Attachment:` header line, in page order:

    Attachment: Joint Statement.pdf <https://www.mofa.go.kr/eng/brd/m_5676/down.do?seq=1&file_seq=1> sha256:9f2c…
    Attachment: Annex.hwp <https://www.mofa.go.kr/eng/brd/m_5676/down.do?seq=1&file_seq=2> not stored: HTTP 404
    Attachment: Annex.hwp <https://…>        (found on the page, not fetched: `extract`, a parse without a run)
    Attachment: Annex.hwp                    (the name only: the site gave no link)

Version files written before attachments were fetched hold one `Attachments: a | b` line of names; they read
as attachments with a name only. Attachments are metadata: they are not part of the content hash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import quote

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_LINE = re.compile(r"^(?P<name>.*?) <(?P<url>[^<>\s]+)>(?: (?:sha256:(?P<sha>[0-9a-f]{64})|not stored: (?P<why>.+)))?$")
# What a URL may hold in its angle brackets: a space or bracket of a page's link is percent-encoded.
_URL_UNSAFE = "".join(chr(c) for c in range(0x21)) + "<>\x7f"


@dataclass(frozen=True)
class Attachment:
    """A file attached to a release: its name on the page, its absolute URL, and the stored file or a failure."""

    name: str
    url: str = ""
    sha256: str = ""  # of the file under <archive>/files/, once stored
    failure: str = ""  # why it was not stored (too large, blocked, gone, ...), one line

    def __post_init__(self) -> None:
        if self.sha256 and not SHA256_RE.match(self.sha256):
            raise ValueError(f"invalid attachment hash {self.sha256!r} for {self.name!r}")

    def with_url_safe(self) -> Attachment:
        """A copy whose URL has no space or angle bracket left (they would end the URL in the file's line)."""
        safe = "".join(quote(ch, safe="") if ch in _URL_UNSAFE else ch for ch in self.url)
        return self if safe == self.url else replace(self, url=safe)

    def stored(self, sha256: str) -> Attachment:
        """This attachment with its file stored under `sha256`."""
        return replace(self, sha256=sha256, failure="")

    def failed(self, reason: str) -> Attachment:
        """This attachment, not stored, and why."""
        return replace(self, sha256="", failure=" ".join(reason.replace("<", "‹").replace(">", "›").split()))

    def line(self) -> str:
        """The value of its `Attachment:` header line."""
        if not self.url:
            return self.name
        state = f" sha256:{self.sha256}" if self.sha256 else (f" not stored: {self.failure}" if self.failure else "")
        return f"{self.name} <{self.url}>{state}"

    def same_file(self, other: Attachment) -> bool:
        """Whether both name the same file as far as both are known (name, URL if both have one, hash if both)."""
        return (
            self.name == other.name
            and (not self.url or not other.url or self.url == other.url)
            and (not self.sha256 or not other.sha256 or self.sha256 == other.sha256)
        )

    def knows_more_than(self, other: Attachment) -> bool:
        """Whether this one has a URL or a hash the other (naming the same file) lacks."""
        return bool((self.url and not other.url) or (self.sha256 and not other.sha256))


def parse_line(value: str) -> Attachment:
    """What `Attachment.line` wrote."""
    match = _LINE.match(value)
    if match is None:
        return Attachment(value)
    return Attachment(match["name"], match["url"], match["sha"] or "", match["why"] or "")


def parse_legacy(value: str) -> tuple[Attachment, ...]:
    """The names of an old `Attachments: a | b` line."""
    return tuple(Attachment(name) for name in value.split(" | ") if name)


def relation(old: tuple[Attachment, ...], new: tuple[Attachment, ...]) -> str:
    """How a release's attachments `new` stand to the version's `old`: `same`, `more` (the same files, now
    with URLs or hashes the version lacks: an older archive, a file stored at last) or `changed`."""
    if len(old) != len(new) or not all(a.same_file(b) for a, b in zip(old, new, strict=True)):
        return "changed"
    if any(b.knows_more_than(a) for a, b in zip(old, new, strict=True)):
        return "more"
    return "same"


def fill_in(old: tuple[Attachment, ...], new: tuple[Attachment, ...]) -> tuple[Attachment, ...]:
    """`new`, each attachment not stored this time taking the hash `old` has of the same file."""
    if relation(old, new) == "changed":
        return new
    return tuple(b if b.sha256 or not a.sha256 else b.stored(a.sha256) for a, b in zip(old, new, strict=True))


def as_recorded(old: tuple[Attachment, ...], parsed: tuple[Attachment, ...]) -> tuple[Attachment, ...]:
    """What a parse found (names and links, nothing fetched), as the version `old` records it when they name
    the same files: a re-parse that finds the files the version lists changes nothing."""
    return old if relation(old, parsed) != "changed" else parsed


def changes(old: tuple[Attachment, ...], new: tuple[Attachment, ...]) -> list[tuple[str, str, str]]:
    """("Attachment", old line, new line) for each attachment added, removed or changed, by name; "" for none."""
    before = {a.name: a for a in old}
    after = {a.name: a for a in new}
    out = []
    for name in [*before, *(n for n in after if n not in before)]:
        a, b = before.get(name), after.get(name)
        if a is not None and b is not None and a.line() == b.line():
            continue
        out.append(("Attachment", a.line() if a else "", b.line() if b else ""))
    return out
