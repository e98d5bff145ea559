"""The published site's base URL: `[publish] base_url` is checked at load time, and a document's page URL
under it is the page's path in the site appended to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.errors import ArchiveError
from archive.publish.paths import page_path, page_url
from crawler import config as configuration
from crawler.sites import SITES
from tests.conftest import Pressroom

DEFAULTS = {name: site.defaults for name, site in SITES.items()}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://press.example.org/archive", "https://press.example.org/archive"),
        ("https://press.example.org/archive/", "https://press.example.org/archive"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("  https://example.org/  ", "https://example.org"),
    ],
)
def test_a_good_base_url_is_kept_without_its_trailing_slash(tmp_path: Path, value: str, expected: str) -> None:
    path = tmp_path / "pressroom.toml"
    path.write_text(f'[publish]\nbase_url = "{value}"\n', encoding="utf-8")
    assert configuration.load(DEFAULTS, path).publish.base_url == expected


def test_no_publish_table_means_no_base_url(tmp_path: Path) -> None:
    path = tmp_path / "pressroom.toml"
    path.write_text("[pressroom]\ntimeout = 3\n", encoding="utf-8")
    assert configuration.load(DEFAULTS, path).publish.base_url == ""


BAD = {
    "relative": ('base_url = "archive/site"', "must start with http:// or https://"),
    "ftp": ('base_url = "ftp://example.org/x"', "must start with http:// or https://"),
    "no host": ('base_url = "https:///x"', "has no host"),
    "query": ('base_url = "https://example.org/?page=1"', "must not have a query (?) or a fragment (#)"),
    "fragment": ('base_url = "https://example.org/#top"', "must not have a query (?) or a fragment (#)"),
    "space": ('base_url = "https://example.org/my site"', "must not contain spaces"),
    "bad port": ('base_url = "https://example.org:http/"', "is not a URL"),
    "not a string": ("base_url = 3", "base_url must be a string"),
    "unknown key": ('baseurl = "https://example.org"', "unknown setting 'baseurl'"),
}


@pytest.mark.parametrize("name", BAD)
def test_a_bad_base_url_is_one_line_naming_file_table_and_key(tmp_path: Path, name: str) -> None:
    setting, message = BAD[name]
    path = tmp_path / "pressroom.toml"
    path.write_text(f"[publish]\n{setting}\n", encoding="utf-8")
    result = Pressroom(tmp_path / "archive", path, {})("status", ok=False)
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"Error: config {path} [publish]"), result.stderr
    assert message in result.stderr


def test_publish_is_not_a_setting_of_the_pressroom_table(tmp_path: Path) -> None:
    path = tmp_path / "pressroom.toml"
    path.write_text('[pressroom]\npublish = "x"\n', encoding="utf-8")
    result = Pressroom(tmp_path / "archive", path, {})("status", ok=False)
    assert "[pressroom]: unknown setting 'publish'" in result.stderr


@pytest.mark.parametrize(
    ("key", "path"),
    [
        ("mofa.go.kr/m_5676/321874", "mofa.go.kr/m_5676/321874/index.html"),
        ("mid.ru/foreign_policy.news/1899422/ru", "mid.ru/foreign_policy.news/1899422/ru/index.html"),
        ("/mofa.go.kr/m_5676/321874/", "mofa.go.kr/m_5676/321874/index.html"),
    ],
)
def test_page_path_and_url(key: str, path: str) -> None:
    assert page_path(key) == path
    assert page_url("https://press.example.org/a", key) == f"https://press.example.org/a/{path}"
    assert page_url("https://press.example.org/a/", key) == f"https://press.example.org/a/{path}"
    assert page_url(None, key) is None
    assert page_url("", key) is None


@pytest.mark.parametrize("key", ["../etc/passwd/x", "mofa.go.kr/m_5676", "mofa.go.kr/m 5676/1"])
def test_a_bad_key_has_no_page(key: str) -> None:
    with pytest.raises(ArchiveError):
        page_path(key)
