"""The published site in a real browser: headless Chromium (Debian's `chromium`, driven by Playwright) opens the
index from file://, follows links to a document and its diff, searches from file:// (the classic-script index)
for a Russian word through another form of it, a Korean word and an English one, then searches the same site
served over HTTP (as from any static host, with Pagefind) for the same Russian and Korean words. Screenshots of
each step are kept in test-artifacts/publish-browser/.

Playwright, not a hand-written DevTools client: it installs from PyPI with its driver inside the wheel, drives
the system's Chromium (no browser download), and waits for elements instead of guessing with sleeps."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from archive.publish.site import publish
from tests.publishkit import EDITED_KEY, HOSTILE, make_archive

ARTIFACTS = Path(__file__).parent.parent / "test-artifacts" / "publish-browser"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the stdlib's name)
        """No request lines in the test's output."""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """The published test archive, and the URL of the same folder served over HTTP on 127.0.0.1."""
    site = tmp_path / "site"
    publish(make_archive(tmp_path / "archive"), site, now="2026-03-02T00:00:00Z")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def running(marker: str) -> list[int]:
    """The processes whose command line holds `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_browse_and_search_from_file_and_over_http(served: tuple[Path, str]) -> None:
    assert CHROMIUM, "the browser test needs Chromium: apt-get install -y chromium (.ci/run installs it)"
    site, http_url = served
    marker = f"pressroom-test-{uuid.uuid4().hex}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", f"--class={marker}"])
        try:
            _steps(browser.new_page(viewport={"width": 1000, "height": 800}), site, http_url)
        finally:
            browser.close()
    pid = os.getpid()
    assert not [p for p in running(marker) if p != pid], "Chromium is still running after the test"
    print(f"\nscreenshots: {ARTIFACTS}")


def _steps(page: Page, site: Path, http_url: str) -> None:
    page.goto((site / "index.html").as_uri())
    assert page.locator("h1").inner_text() == "Press release archive"
    shot(page, "1-index")
    page.get_by_role("link", name="mid.ru").click()
    page.get_by_role("link", name="2024").first.click()
    page.get_by_role("link", name="Заявление МИД России").click()
    assert page.url == (site / EDITED_KEY / "index.html").as_uri()
    assert page.locator("html").get_attribute("lang") == "ru"
    assert "обстановку на Корейском полуострове" in page.locator("main").inner_text()
    shot(page, "2-document")
    page.get_by_role("link", name="changes from v1").click()
    assert page.locator("del.del").first.inner_text() == "ситуацию"
    assert page.locator("ins.ins").first.inner_text() == "обстановку"
    shot(page, "3-diff")

    # From the folder: the classic-script index (search/idx/), a Russian word through another form of it.
    page.goto((site / "search-ru.html").as_uri())
    page.locator("#offline-form").wait_for(state="visible")
    page.locator("#offline-form input[name=q]").fill("полуострова")  # the text says "полуострове"
    page.locator("#offline-form button").click()
    count = page.locator("#offline-count")
    count.wait_for()
    assert count.inner_text() == "1 document"
    found = page.locator("#offline-results li a")
    assert found.all_inner_texts() == ["Заявление МИД России"]
    assert "mid.ru, 2024-01-03" in page.locator("#offline-results li").first.inner_text()
    shot(page, "4-search-from-file-russian")
    found.first.click()
    assert page.url == (site / EDITED_KEY / "index.html").as_uri()

    page.goto((site / "search-ru.html").as_uri() + "?q=полуострова+ракета")  # every word must match
    page.locator("#offline-count").wait_for()
    assert page.locator("#offline-count").inner_text() == "0 documents"

    page.goto((site / "search-ko.html").as_uri() + "?q=외교장관회담")
    page.locator("#offline-count").wait_for()
    assert page.locator("#offline-results li a").all_inner_texts() == ["한-러 외교장관회담 결과"]
    shot(page, "5-search-from-file-korean")

    page.goto((site / "search-en.html").as_uri() + "?q=statement")
    page.locator("#offline-count").wait_for()
    titles = page.locator("#offline-results li a").all_inner_texts()
    assert sorted(titles) == sorted(["Joint statement on trade", HOSTILE.replace("\u202e", "\\u202e")])
    assert page.locator("#offline-results script").count() == 0  # the hostile title stayed text

    # The same folder served as any static host serves it: Pagefind's stemmed Russian index.
    page.goto(f"{http_url}/search-ru.html?q=полуострова")  # the text says "полуострове"
    result = page.locator(".pagefind-ui__result-link").first
    result.wait_for()
    assert result.inner_text() == "Заявление МИД России"
    assert "полуострове" in page.locator(".pagefind-ui__result-excerpt").first.inner_text()
    shot(page, "6-search-russian")
    result.click()
    page.wait_for_url(f"{http_url}/{EDITED_KEY}/index.html")

    page.goto(f"{http_url}/search-ko.html?q=외교장관회담")
    korean = page.locator(".pagefind-ui__result-link").first
    korean.wait_for()
    assert korean.inner_text() == "한-러 외교장관회담 결과"
    shot(page, "7-search-korean")
