"""`python -m bench publish`: how long `pressroom publish` takes on a 20,000-document archive, full and incremental.

The archive is synthetic (`bench.synth`: ten years of mofa.go.kr and mid.ru releases in English, Korean and
Russian, 2% edited once, 0.2% withdrawn). Each publish runs as a user runs it, in its own `pressroom` process:
the first into an empty folder (every page, then Pagefind's index), a second with nothing changed, and a third
after a crawl-sized change (0.1% of the documents edited, 1% visited), which rewrites only their pages and
runs Pagefind again.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

from archive.recorder import Archive
from bench import synth
from bench.scale import timed

EDITED = 1 / 1000  # of the documents, those a crawl finds edited (20 of 20,000)
VISITED = 1 / 100  # those it visits and finds unchanged, so that their timelines grow (200 of 20,000)


def crawl_like(root: Path) -> None:
    """What a crawl leaves behind: a few new versions and some more new observations."""
    archive = Archive(root)
    try:
        keys = [row.key for row in archive.documents()]
        edits, visits = max(1, int(len(keys) * EDITED)), max(1, int(len(keys) * VISITED))
        for key in keys[:: len(keys) // edits][:edits]:
            _, version = archive.version(key)
            release = version.release
            archive.record(replace(release, body=(*release.body, "A paragraph the ministry added later.")))
        for key in keys[1 :: len(keys) // visits][:visits]:
            archive.observe(key, archive.version(key)[1].release.url, "not_modified")
    finally:
        archive.close()


def site_size(site: Path) -> tuple[int, int, int, int]:
    """Files, bytes, and of them Pagefind's bytes and the file:// search index's (search/idx/)."""
    files = size = index = offline = 0
    for folder, _, names in os.walk(site):
        inside = folder[len(str(site)) :]
        for name in names:
            n = os.path.getsize(os.path.join(folder, name))
            files, size = files + 1, size + n
            index += n if "/pagefind" in inside else 0
            offline += n if inside.startswith("/search/idx") else 0
    return files, size, index, offline


def run(count: int, scratch: Path) -> dict[str, str]:
    """Write the archive, publish it three times, print the figures; return each publish's summary line."""
    root, site = scratch / f"publish-{count}", scratch / f"publish-{count}-site"
    if not (root / "catalog.sqlite").exists():
        root.mkdir(parents=True, exist_ok=True)
        synth.write(root, count, synth.utc_now())
    print(f"publish: synthetic archive of {count:,} documents in {root}", flush=True)
    steps = (("full (empty folder)", None), ("again, nothing changed", None), ("after a crawl", crawl_like))
    summaries = {}
    for label, before in steps:
        if before is not None:
            before(root)
        wall, rss, cpu, last = timed(["--archive", str(root), "publish", str(site)])
        summaries[label] = last
        split = re.search(r"in [0-9.]+ s: (.*)", last)
        print(
            f"  {label:<24} {wall:6.1f} s wall, {cpu:6.1f} s CPU, peak RSS {rss:.0f} MB: {split[1] if split else last}"
        )
    files, size, index, offline = site_size(site)
    print(
        f"  site: {files:,} files, {size / 1e6:.0f} MB ({index / 1e6:.0f} MB of it Pagefind's index, "
        f"{offline / 1e6:.0f} MB the file:// index)",
        flush=True,
    )
    return summaries
