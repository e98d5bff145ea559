"""End to end: `pressroom crawl mid.ru archive.mid.ru` against their simulators on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from archive.document import parse_version
from archive.recorder import Archive
from tests.conftest import Pressroom
from tests.sim_mid import MidSim
from tests.simserver import SimServer

Sims = tuple[MidSim, object, SimServer, SimServer]


def versions(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.txt"))}


def test_crawl_archives_english_and_russian(mid_pressroom: Pressroom, mid_sims: Sims) -> None:
    result = mid_pressroom("crawl", "mid.ru", "archive.mid.ru")
    files = versions(mid_pressroom.archive)
    keys = sorted({name.rsplit("/", 1)[0] for name in files})
    assert keys == [
        "archive.mid.ru/id/4512345/ru",
        "archive.mid.ru/id/4512346/en",
        "archive.mid.ru/id/4641374/en",
        "archive.mid.ru/id/4641374/ru",
        "archive.mid.ru/id/4921372/en",
        "mid.ru/id/1792011/en",
        "mid.ru/id/1792974/en",
        "mid.ru/id/1814243/ru",
        "mid.ru/id/1899422/en",
        "mid.ru/id/1899422/ru",
    ], "news in both languages; speeches and briefings from the RSS feed are out of the configured scope"
    assert "mid.ru: 5 new" in result.stderr and "archive.mid.ru: 5 new" in result.stderr
    ru = parse_version(next(v for k, v in files.items() if "1899422/ru" in k).decode(), source="ru", per_language=True)
    assert (ru.release.language, ru.release.document_number, ru.release.translations) == (
        "ru",
        "1541-02-08-2023",
        ("en", "ru"),
    )
    assert ru.release.published.isoformat() == "2023-08-02T14:50:00+03:00"  # type: ignore[union-attr]
    seed = next(v for k, v in files.items() if "4921372/en" in k).decode()
    assert "Translations: de | en | es | fr | ru\n" in seed and "Advanced settings" not in seed


def test_recrawl_writes_nothing(mid_pressroom: Pressroom, mid_sims: Sims) -> None:
    mid_pressroom("crawl", "mid.ru", "archive.mid.ru")
    before = versions(mid_pressroom.archive)
    result = mid_pressroom("crawl", "mid", "archive.mid.ru")
    assert versions(mid_pressroom.archive) == before
    assert "mid.ru: 5 unchanged" in result.stderr


def test_pagination_obeys_robots_unless_overridden(mid_pressroom: Pressroom, mid_sims: Sims) -> None:
    config = mid_pressroom.config
    config.write_text(
        config.read_text().replace('languages = ["en", "ru"]\n', 'languages = ["en", "ru"]\nlist_pages = 2\n', 1)
    )
    server = mid_sims[2]
    result = mid_pressroom("crawl", "mid.ru")
    assert not [r for r in server.log if "PAGEN" in r.target], "robots.txt forbids ?PAGEN: never requested"
    assert "skipped" in result.stderr and "disallowed by robots.txt" in result.stderr
    result = mid_pressroom("crawl", "mid.ru", "--ignore-robots")
    assert [r for r in server.log if "PAGEN_1=2" in r.target]
    assert "--ignore-robots" in result.stderr


def test_challenge_is_blocked_and_the_archive_untouched(mid_pressroom: Pressroom, mid_sims: Sims) -> None:
    mid_pressroom("crawl", "mid.ru")
    before = versions(mid_pressroom.archive)
    mid_sims[0].challenge = True
    result = mid_pressroom("crawl", "mid.ru", ok=False)
    assert "blocked" in result.stderr and "anti-bot challenge page" in result.stderr
    assert "mid.ru: " in result.stderr and " new" not in result.stderr
    assert versions(mid_pressroom.archive) == before
    history = mid_pressroom("history", "https://mid.ru/en/foreign_policy/news/1899422/").stdout
    assert "withdrawn" not in history and "missing" not in history


def test_resets_on_every_try_are_blocked(mid_pressroom: Pressroom, mid_sims: Sims) -> None:
    mid_sims[0].reset = True
    result = mid_pressroom("crawl", "mid.ru", ok=False)
    assert "connection reset on every try" in result.stderr
    assert not list(mid_pressroom.archive.rglob("*.txt"))


def test_empty_list_where_items_belong_names_the_collection(mid_pressroom: Pressroom, mid_sims: Sims) -> None:
    mid_sims[0].empty_lists = True
    result = mid_pressroom("crawl", "mid.ru", ok=False)
    url = f"{mid_sims[2].base_url}/en/foreign_policy/news/"
    assert (
        f"failed mid.ru: collection foreign_policy/news: the list page has no items; is the collection id right? "
        f"({url})"
    ) in result.stderr.splitlines()
    assert "blocked" not in result.stderr


def test_extract_both_sites(mid_pressroom: Pressroom) -> None:
    fixtures = Path(__file__).parent / "fixtures"
    for site, name in (("mid.ru", "news_en"), ("archive.mid.ru", "seed000_lavrov_chung_2021")):
        page = fixtures / site / f"{name}.html"
        expected = (fixtures / site / f"{name}.txt").read_text(encoding="utf-8")
        url = parse_version(expected, source=name, per_language=True).release.url
        args = ["extract", site, str(page), "--captured", "2026-01-01T00:00:00Z"]
        if site == "archive.mid.ru":
            args += ["--url", url]  # the old pages carry no canonical link
        assert mid_pressroom(*args).stdout == expected


SLUG = "rossiya-i-strany-asean-obsudili-sotrudnichestvo-v-ekonomike"


def filed(pressroom: Pressroom, key: str) -> tuple[str, str]:
    """(the catalog's collection, the URL) of an archived document."""
    doc = Archive(pressroom.archive).document(key)
    assert doc is not None, key
    return doc.collection, doc.url


def test_add_by_a_slug_url_files_the_article_under_its_section(mid_pressroom: Pressroom, mid_sims: Sims) -> None:
    result = mid_pressroom("add", f"https://mid.ru/en/foreign_policy/economic_diplomacy/{SLUG}/1899422/")
    assert "mid.ru: 1 new" in result.stderr
    shown = mid_pressroom("show", "mid.ru/id/1899422/en").stdout
    assert "Collection-Id: foreign_policy.economic_diplomacy\n" in shown and SLUG not in shown
    assert filed(mid_pressroom, "mid.ru/id/1899422/en") == (
        "foreign_policy.economic_diplomacy",
        "https://mid.ru/en/foreign_policy/economic_diplomacy/1899422/",
    )


def test_an_archived_article_keeps_its_collection_when_added_by_another_path(
    mid_pressroom: Pressroom, mid_sims: Sims
) -> None:
    mid_pressroom("crawl", "mid.ru")
    before = filed(mid_pressroom, "mid.ru/id/1899422/en")
    assert before == ("foreign_policy.news", "https://mid.ru/en/foreign_policy/news/1899422/")
    for url in (
        f"https://mid.ru/en/foreign_policy/economic_diplomacy/{SLUG}/1899422/",
        "https://mid.ru/en/press_service/vizity-ministra/1899422/",
    ):
        result = mid_pressroom("add", url)
        assert "mid.ru: 1 unchanged" in result.stderr, result.stderr
        assert filed(mid_pressroom, "mid.ru/id/1899422/en") == before, url
