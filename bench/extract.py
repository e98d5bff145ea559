"""Extraction: pressroom's site parsers against trafilatura and bare selectolax, on every fixture page."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from archive.document import normalize_text, parse_version
from crawler.sites import SITES
from crawler.sites.base import Site

FIXTURES = Path(__file__).parent.parent / "tests" / "fixtures"


@dataclass
class Page:
    site: Site
    name: str
    html: str
    url: str
    expected: list[str]  # the expected body paragraphs


def pages() -> list[Page]:
    out = []
    for site_dir in sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.name in SITES):
        for html_file in sorted(site_dir.glob("*.html")):
            expected = html_file.with_suffix(".txt")
            if expected.exists():
                version = parse_version(expected.read_text(encoding="utf-8"), source=str(expected), per_language=True)
                out.append(
                    Page(
                        SITES[site_dir.name],
                        html_file.stem,
                        html_file.read_text(encoding="utf-8"),
                        version.release.url,
                        list(version.release.body),
                    )
                )
    return out


def varied(page: Page, n: int) -> str:
    """The page with its numbers changed, so repeated parses do not see identical input."""
    return re.sub(r"(?<=[^0-9])([0-9])(?=[0-9]{2}[^0-9])", lambda m: str((int(m[1]) + n) % 10), page.html, count=50)


def paragraphs_of(text: str) -> list[str]:
    return [p for p in (normalize_text(line) for line in text.splitlines()) if p]


def fidelity(got: list[str], want: list[str]) -> tuple[float, float]:
    """Paragraph-level precision and recall."""
    g, w = set(got), set(want)
    hit = len(g & w)
    return (hit / len(g) if g else 0.0, hit / len(w) if w else 0.0)


def run(repeat: int) -> dict[str, float]:
    import trafilatura

    corpus = pages()
    inputs = [(p, varied(p, i)) for i in range(repeat) for p in corpus]
    size = sum(len(h.encode()) for _, h in inputs) / len(inputs)

    start = time.perf_counter()
    for page, html in inputs:
        page.site.parse_release(html, page.url)
    ours_s = time.perf_counter() - start

    start = time.perf_counter()
    for _, html in inputs:
        LexborHTMLParser(html).css_first("body")
    floor_s = time.perf_counter() - start

    sample = inputs[: max(len(corpus), len(inputs) // 10)]  # trafilatura is slow: a tenth of the inputs
    start = time.perf_counter()
    for _, html in sample:
        trafilatura.extract(html, include_comments=False, include_tables=True, favor_precision=False)
    theirs_s = time.perf_counter() - start

    ours_p = ours_r = theirs_p = theirs_r = 0.0
    exact = theirs_exact = 0
    for page in corpus:
        body = list(page.site.parse_release(page.html, page.url).body)
        p, r = fidelity(body, page.expected)
        ours_p, ours_r, exact = ours_p + p, ours_r + r, exact + (body == page.expected)
        text = trafilatura.extract(page.html, include_comments=False, include_tables=True) or ""
        got = paragraphs_of(text)
        p, r = fidelity(got, page.expected)
        theirs_p, theirs_r, theirs_exact = theirs_p + p, theirs_r + r, theirs_exact + (got == page.expected)
    n = len(corpus)
    figures = {
        "pages": n,
        "inputs": len(inputs),
        "kb": size / 1024,
        "ours_rate": len(inputs) / ours_s,
        "floor_rate": len(inputs) / floor_s,
        "theirs_rate": len(sample) / theirs_s,
        "ours_p": ours_p / n,
        "ours_r": ours_r / n,
        "ours_exact": exact / n,
        "theirs_p": theirs_p / n,
        "theirs_r": theirs_r / n,
        "theirs_exact": theirs_exact / n,
    }
    print(
        f"extraction: {n} fixture pages of {len({p.site.name for p in corpus})} sites, "
        f"{len(inputs)} parses (pages varied), mean {size / 1024:.1f} KB a page, one core"
    )
    print(f"  {'':24}{'pages/s':>10}{'ms/page':>10}{'precision':>11}{'recall':>8}{'exact':>8}")
    for label, rate, p, r, e in (
        ("pressroom site parsers", figures["ours_rate"], figures["ours_p"], figures["ours_r"], figures["ours_exact"]),
        ("trafilatura", figures["theirs_rate"], figures["theirs_p"], figures["theirs_r"], figures["theirs_exact"]),
    ):
        print(f"  {label:24}{rate:10.0f}{1000 / rate:10.3f}{p:11.1%}{r:8.1%}{e:8.0%}")
    print(f"  {'selectolax parse alone':24}{figures['floor_rate']:10.0f}{1000 / figures['floor_rate']:10.3f}")
    print(
        f"  pressroom / trafilatura speed: {figures['ours_rate'] / figures['theirs_rate']:.0f}x;"
        f" pressroom / bare parse: {figures['ours_rate'] / figures['floor_rate']:.2f}"
    )
    return figures
