"""A document's pages in the published site: its page (current text, metadata, attachments, timeline), one
page per version, and a side-by-side diff page per step from one shown version to the next.

The diff pages are archive/diff.py's `html_page` (the same word diff as `pressroom diff --format html`), with the
site's navigation added; the pages of one document live in its key's folder.
"""

from __future__ import annotations

from dataclasses import dataclass

from archive import diff, timelines
from archive.document import Version, format_captured
from archive.history import Sighting
from archive.publish.html import attr, esc, link, outside, page
from archive.publish.paths import page_path, page_url
from archive.rows import DocumentRow, ObservationRow


@dataclass(frozen=True)
class DocumentInput:
    """Everything a document's pages are made of."""

    key: str
    row: DocumentRow | None  # the catalog's record (None: a document the catalog does not know)
    versions: dict[int, Version]  # by number
    observations: list[ObservationRow]
    base_url: str = ""  # where the site will be hosted: the page names its address there
    timeline: tuple[Sighting, ...] = ()  # every sighting of its versions, oldest first (live and captures)

    @property
    def current(self) -> int:
        """The number of the version the site shows now."""
        if self.row is not None and self.row.current_version in self.versions:
            return self.row.current_version
        return max(self.versions)


def version_path(key: str, number: int) -> str:
    """Where version `number` of a document is shown."""
    return page_path(key).rsplit("/", 1)[0] + f"/v{number}.html"


def diff_path(key: str, old: int, new: int) -> str:
    """Where the diff from version `old` to `new` of a document is shown."""
    return page_path(key).rsplit("/", 1)[0] + f"/diff-{old}-{new}.html"


def steps(doc: DocumentInput) -> list[tuple[int, int]]:
    """The (old, new) version pairs to diff: each change of the shown text, in the order the site showed them
    (live or in web-archive captures; an edit and its revert are two steps), else the versions in the order
    they were first seen."""
    marks = [(s.at, s.version) for s in doc.timeline]
    marks += [(o.at, o.version) for o in doc.observations if o.kind == "reextracted" and o.version is not None]
    shown: list[int] = []
    for _, number in sorted(marks, key=lambda mark: mark[0]):
        if number in doc.versions and (not shown or shown[-1] != number):
            shown.append(number)
    order = shown if set(shown) == set(doc.versions) else seen_order(doc)
    pairs = list(zip(order, order[1:], strict=False))
    return list(dict.fromkeys(pairs))


def seen_order(doc: DocumentInput) -> list[int]:
    """The version numbers in the order their text was first seen."""
    first: dict[int, str] = {}
    for s in doc.timeline:
        first.setdefault(s.version, s.at)
    return timelines.order(first, {n: format_captured(v.captured) for n, v in doc.versions.items()})


def render(doc: DocumentInput) -> dict[str, str]:
    """Every page of one document, by path in the site."""
    pages = {page_path(doc.key): _document_page(doc)}
    for number, version in doc.versions.items():
        pages[version_path(doc.key, number)] = _version_page(doc, number, version)
    for old, new in steps(doc):
        pages[diff_path(doc.key, old, new)] = _diff_page(doc, old, new)
    return pages


def _text(version: Version) -> str:
    release = version.release
    paragraphs = "\n".join(f"<p>{esc(p)}</p>" for p in release.body)
    return f'<h1>{esc(release.title)}</h1>\n<div class="text">\n{paragraphs}\n</div>'


def _metadata(version: Version) -> str:
    rows = []
    for name, value in version.headers().items():
        if name == "Attachments":  # listed apart, with their links and hashes (_attachments)
            continue
        shown = outside(value) if name == "URL" else esc(value)
        rows.append(f"<tr><th>{esc(name)}</th><td>{shown}</td></tr>")
    return '<table class="meta">\n' + "\n".join(rows) + "\n</table>"


def _attachments(version: Version) -> str:
    items = version.release.attachments
    if not items:
        return ""
    lines = []
    for a in items:  # the ministry's link; the stored file's hash, or why it was not stored
        state = f"sha256 {a.sha256[:16]}…" if a.sha256 else (f"not stored: {a.failure}" if a.failure else "")
        shown = f' <span class="muted">({esc(state)})</span>' if state else ""
        lines.append(f"<li>{outside(a.url, a.name) if a.url else esc(a.name)}{shown}</li>")
    return '<h2>Attachments</h2>\n<ul class="attachments">\n' + "\n".join(lines) + "\n</ul>"


def _document_page(doc: DocumentInput) -> str:
    here, current = page_path(doc.key), doc.versions[doc.current]
    status = f' <span class="muted">({esc(doc.row.status)})</span>' if doc.row and doc.row.status != "active" else ""
    body = (
        f'<p class="muted">{esc(doc.key)}{status}</p>\n'
        f"<main data-pagefind-body>\n{_text(current)}\n{_attachments(current)}\n</main>\n"
        f"<h2>Metadata (version {doc.current})</h2>\n{_metadata(current)}\n"
        f"{_versions_table(doc, here)}\n{_timeline(doc, here)}"
    )
    found = page_url(doc.base_url, doc.key)
    head = f'<link rel="canonical" href="{attr(found)}">\n' if found else ""
    return page(here, current.release.title, body, lang=current.release.language, head=head)


def _versions_table(doc: DocumentInput, here: str) -> str:
    diffs = {new: old for old, new in steps(doc)}
    spans = timelines.spans(doc.timeline)
    rows = []
    for number in seen_order(doc):
        version = doc.versions[number]
        mark = " (current)" if number == doc.current else ""
        older = diffs.get(number)
        step = link(here, diff_path(doc.key, older, number), f"changes from v{older}") if older else ""
        own = [span for span in spans if span.version == number]
        first = own[0].first if own else format_captured(version.captured)
        rows.append(
            f"<tr><td>{link(here, version_path(doc.key, number), f'v{number}')}{mark}</td>"
            f"<td>{esc(first[:16].replace('T', ' '))}Z</td><td>{esc(_sources(own))}</td><td>{step}</td>"
            f"<td>{esc(version.release.title)}</td></tr>"
        )
    head = "<tr><th>version</th><th>first seen</th><th>seen</th><th>diff</th><th>title</th></tr>"
    return (
        '<h2>Versions</h2>\n<p class="muted">In the order the site showed them.</p>\n<table class="versions">\n'
        f"{head}\n" + "\n".join(rows) + "\n</table>"
    )


def _sources(spans: list[timelines.Span]) -> str:
    """How a version was seen, in a few words: `live`, `web archive`, `web archive and live`."""
    captures = sum(1 for span in spans if span.source == timelines.CAPTURE)
    visits = sum(span.visits for span in spans if span.source != timelines.CAPTURE)
    said = [f"web archive ({captures})"] if captures else []
    said += [f"live ({visits})"] if visits else []
    return " and ".join(said)


def _timeline(doc: DocumentInput, here: str) -> str:
    if not doc.observations:
        return ""
    rows = []
    for o in sorted(doc.observations, key=lambda o: (o.at, o.id)):
        shown = link(here, version_path(doc.key, o.version), f"v{o.version}") if o.version in doc.versions else ""
        past = o.kind == "captured" or o.kind.startswith("capture_")
        what = esc(o.kind) + (' <span class="muted">(web archive)</span>' if past else "")
        detail = outside(o.detail) if o.kind == "captured" else esc(o.detail)
        rows.append(f"<tr><td>{esc(o.at)}</td><td>{what}</td><td>{shown}</td><td>{detail}</td></tr>")
    head = "<tr><th>when</th><th>observed</th><th>version</th><th>detail</th></tr>"
    return f'<h2>Timeline</h2>\n<table class="timeline">\n{head}\n' + "\n".join(rows) + "\n</table>"


def _sightings(doc: DocumentInput, number: int) -> str:
    """A version's sightings, for its page: each capture linked, runs of live visits in one line."""
    items = []
    for span in timelines.spans(doc.timeline):
        if span.version != number:
            continue
        if span.source == timelines.CAPTURE:
            items.append(f"<li>{esc(span.first)}: web-archive capture {outside(span.url)}</li>")
        else:
            items.append(f"<li>{esc(span.words())}</li>")
    return '<h2>Seen</h2>\n<ul class="seen">\n' + "\n".join(items) + "\n</ul>" if items else ""


def _version_page(doc: DocumentInput, number: int, version: Version) -> str:
    here = version_path(doc.key, number)
    body = (
        f"<p>{link(here, page_path(doc.key), doc.key)}: version {number} of {len(doc.versions)}, "
        f"captured {version.captured:%Y-%m-%d %H:%M}Z</p>\n{_text(version)}\n{_attachments(version)}\n"
        f"<h2>Metadata</h2>\n{_metadata(version)}\n{_sightings(doc, number)}"
    )
    return page(here, f"v{number}: {version.release.title}", body, lang=version.release.language)


def _diff_page(doc: DocumentInput, old: int, new: int) -> str:
    here = diff_path(doc.key, old, new)
    text = diff.html_page(
        doc.versions[old], doc.versions[new], old_label=f"{doc.key} v{old}", new_label=f"{doc.key} v{new}"
    )
    nav = (
        f'<nav class="top">{link(here, "index.html", "Archive")} {link(here, page_path(doc.key), doc.key)} '
        f"{link(here, version_path(doc.key, old), f'v{old}')} → {link(here, version_path(doc.key, new), f'v{new}')}"
        "</nav>"
    )
    # The page is diff.py's own, whole; only the way back into the site is added.
    return text.replace("<body>", f"<body>\n{nav}", 1)
