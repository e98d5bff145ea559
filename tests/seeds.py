"""The release text inside the seed captures (whole pages rendered to text, boilerplate included).

The boilerplate lines are named here explicitly, so a test can check both that the archive keeps the
release text and that none of these lines reach it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archive.document import normalize_text

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
MOFA_BOILERPLATE = ("바로가기 메뉴", "본문 바로가기", "주메뉴 바로가기", "검색창 열기", "KOR", "Press Releases")
MID_BOILERPLATE = ("Additional materials", "Advanced settings")


@dataclass
class SeedRelease:
    """What a seed says the release is."""

    title: str
    date: str  # as printed, "" when the capture shows none
    body: list[str]
    boilerplate: list[str]
    translations: list[str]


def seed_path(number: str) -> Path:
    """The seed file whose name starts with `number`."""
    return next(SEEDS.glob(f"{number}_*.txt"))


def seed_release(number: str) -> SeedRelease:
    """Split a seed into its release text and its boilerplate lines."""
    lines = [normalize_text(line) for line in seed_path(number).read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    if number in ("000", "001"):
        return _mid_seed(lines)
    return _mofa_seed(lines)


def _mofa_seed(lines: list[str]) -> SeedRelease:
    boiler = [line for line in lines[:8] if line in MOFA_BOILERPLATE]
    rest = lines[len(boiler) :]
    title, rest = rest[0], rest[1:]
    date = ""
    if rest[:1] == ["Date"]:
        date = rest[1]
        boiler += rest[:2]
        rest = rest[2:]
    if rest and rest[0].lower() == "hit":
        boiler += rest[:2]
        rest = rest[2:]
    return SeedRelease(title, date, rest, boiler, [])


def _mid_seed(lines: list[str]) -> SeedRelease:
    date, title, switcher = lines[0], lines[1], lines[2]
    end = lines.index("Additional materials") if "Additional materials" in lines else lines.index("Advanced settings")
    translations = [token.rstrip("0123456789") for token in switcher.lstrip("• ").split()]
    return SeedRelease(title, date, lines[3:end], [switcher, *lines[end:]], translations)
