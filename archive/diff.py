"""Differences between two versions: metadata changes listed apart from body changes."""

from __future__ import annotations

import difflib

from archive.document import Version

# Header fields whose change is reported as metadata, not as a body edit.
METADATA_FIELDS = ("Title", "Published", "Document-Number", "URL", "Collection", "Translations", "Tags", "Attachments")


def metadata_changes(old: Version, new: Version) -> list[tuple[str, str, str]]:
    """The (field, old value, new value) triples that differ between two versions."""
    a, b = old.headers(), new.headers()
    return [(f, a.get(f, ""), b.get(f, "")) for f in METADATA_FIELDS if a.get(f, "") != b.get(f, "")]


def unified(old: Version, new: Version, *, old_label: str, new_label: str, context: int = 3) -> str:
    """A unified diff of the body paragraphs (one paragraph per line), metadata changes first."""
    out = [f"{name}: {a or '(none)'} -> {b or '(none)'}\n" for name, a, b in metadata_changes(old, new)]
    if out:
        out.insert(0, "Metadata changes:\n")
        out.append("\n")
    body = difflib.unified_diff(
        [p + "\n" for p in old.release.normalized().body],
        [p + "\n" for p in new.release.normalized().body],
        fromfile=old_label,
        tofile=new_label,
        n=context,
    )
    out.extend(body)
    if not out:
        return "No differences.\n"
    return "".join(out)
