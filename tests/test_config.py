"""pressroom.toml mistakes are one line naming the file, the table and the key; README's example loads."""

from __future__ import annotations

import json
import re
from pathlib import Path

import certifi
import pytest

from crawler import config as configuration
from crawler.errors import ConfigError
from crawler.sites import SITES
from tests.conftest import FAST_CONFIG, Pressroom
from tests.sim_mofa import MofaSim
from tests.simserver import SimServer

README = Path(__file__).parent.parent / "README.md"
DEFAULTS = {name: site.defaults for name, site in SITES.items()}

BAD = {
    "top-level key": ("timeout = 3\n", "'timeout' is outside any table"),
    "zero attempts": ("[pressroom]\nattempts = 0\n", "[pressroom]: attempts = 0 is out of range (must be at least 1)"),
    "zero timeout": ("[pressroom]\ntimeout = 0\n", "[pressroom]: timeout = 0 is out of range (must be greater than 0)"),
    "negative interval": (
        '[sites."mofa.go.kr"]\nmin_interval = -1\n',
        '[sites."mofa.go.kr"]: min_interval = -1 is out of range (must not be negative)',
    ),
    "fractional pages": ('[sites."mofa.go.kr"]\nlist_pages = 1.5\n', "list_pages = 1.5 must be a whole number"),
    "unknown key": ("[pressroom]\ntimout = 3\n", "[pressroom]: unknown setting 'timout'"),
    "site key at top": ("[pressroom]\nmin_interval = 3\n", "[pressroom]: unknown setting 'min_interval'"),
    "wrong type": ('[pressroom]\ntimeout = "3"\n', "[pressroom]: timeout must be a number"),
    "unknown site": ('[sites."nosuch.example"]\nenabled = true\n', "unknown site 'nosuch.example'"),
    "missing bundle": (
        '[sites."mid.ru"]\nca_bundle = "/nonexistent/russian_trusted_root_ca.pem"\n',
        '[sites."mid.ru"]: ca_bundle /nonexistent/russian_trusted_root_ca.pem: No such file or directory',
    ),
    "bundle is a folder": ('[sites."mid.ru"]\nca_bundle = "/"\n', '[sites."mid.ru"]: ca_bundle /: Is a directory'),
    # Settings that used to load and fail at crawl time, blaming something else (or nothing).
    "language not served": (
        '[sites."mid.ru"]\nlanguages = ["ru", "xx"]\n',
        "[sites.\"mid.ru\"]: languages: 'xx' is not a language the site serves (ru, en, de, fr, es, pt)",
    ),
    "base_url not a URL": (
        '[sites."mofa.go.kr"]\nbase_url = "not a url"\n',
        "[sites.\"mofa.go.kr\"]: base_url 'not a url' must start with http:// or https:// (the site's address, "
        "an http(s) URL with a host, e.g. https://www.mofa.go.kr)",
    ),
    "base_url without host": ('[sites."mid.ru"]\nbase_url = "https://"\n', "base_url 'https://' has no host"),
    "no collections": (
        '[sites."mofa.go.kr"]\ncollections = []\n',
        '[sites."mofa.go.kr"]: collections is empty: list at least one collection (default: ["m_5676", "m_4080"])',
    ),
    "alias twice": (
        '[sites."mofa.go.kr"]\nlist_pages = 2\n[sites."mofa"]\nlist_pages = 3\n',
        '[sites."mofa"]: [sites."mofa.go.kr"] already sets mofa.go.kr; merge the two tables',
    ),
}


@pytest.mark.parametrize("name", BAD)
def test_a_bad_setting_is_one_line_naming_file_and_key(tmp_path: Path, name: str) -> None:
    text, message = BAD[name]
    path = tmp_path / "pressroom.toml"
    path.write_text(text, encoding="utf-8")
    result = Pressroom(tmp_path / "archive", path, {})("status", ok=False)
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"Error: config {path}"), result.stderr
    assert message in result.stderr


def test_a_site_table_may_be_named_by_an_alias(tmp_path: Path) -> None:
    path = tmp_path / "pressroom.toml"
    path.write_text('[sites."mofa"]\ncollections = ["m_4080"]\n[sites."MID"]\nlanguages = ["de"]\n', encoding="utf-8")
    result = Pressroom(tmp_path / "archive", path, {})("sites", "--json")
    sites = {site["name"]: site for site in map(json.loads, result.stdout.splitlines())}
    assert sites["mofa.go.kr"]["collections"] == ["m_4080"] and sites["mid.ru"]["languages"] == ["de"]


def test_a_bundle_that_is_not_a_certificate(tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("this is not a certificate\n", encoding="utf-8")
    path = tmp_path / "pressroom.toml"
    path.write_text(f'[sites."mid.ru"]\nca_bundle = "{bundle}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        configuration.load(DEFAULTS, path)
    assert str(caught.value) == f'config {path} [sites."mid.ru"]: ca_bundle {bundle}: not a PEM certificate file'


def test_a_real_bundle_loads(tmp_path: Path) -> None:
    path = tmp_path / "pressroom.toml"
    path.write_text(f'[sites."mid.ru"]\nca_bundle = "{certifi.where()}"\n', encoding="utf-8")
    assert configuration.load(DEFAULTS, path).site("mid.ru").ca_bundle == certifi.where()


def test_a_bad_bundle_stops_the_crawl_before_any_request(tmp_path: Path, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    path = tmp_path / "pressroom.toml"
    path.write_text(FAST_CONFIG + 'ca_bundle = "/nonexistent/ca.pem"\n', encoding="utf-8")
    run = Pressroom(tmp_path / "archive", path, {"mofa": mofa_sim[1].base_url})
    result = run("crawl", "mofa", ok=False)
    assert result.stderr.splitlines() == [
        f'Error: config {path} [sites."mofa.go.kr"]: ca_bundle /nonexistent/ca.pem: No such file or directory'
    ]
    assert mofa_sim[1].log == []
    assert not (tmp_path / "archive").exists()


def test_readme_example_config_loads_everywhere(tmp_path: Path) -> None:
    """The example must load on a machine without mid.ru's CA file: the ca_bundle line is commented."""
    section = README.read_text(encoding="utf-8").split("## Configuration", 1)[1]
    example = re.search(r"```toml\n(.*?)```", section, re.S)
    assert example is not None
    path = tmp_path / "pressroom.toml"
    path.write_text(example[1], encoding="utf-8")
    config = configuration.load(DEFAULTS, path)
    assert config.contact == "archive@example.org" and config.site("mid.ru").ca_bundle == ""
    assert "russian_trusted_root_ca.pem" in example[1]
    assert configuration.load(DEFAULTS, None).site("mid.ru").ca_bundle == ""


def test_unset_contact_is_warned_once_per_run(tmp_path: Path, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    path = tmp_path / "pressroom.toml"
    path.write_text(FAST_CONFIG.replace('contact = "tests@example.invalid"\n', ""), encoding="utf-8")
    run = Pressroom(tmp_path / "archive", path, {"mofa": mofa_sim[1].base_url})
    result = run("crawl", "mofa")
    warnings = [line for line in result.stderr.splitlines() if "no contact set" in line]
    assert len(warnings) == 1
    agents = {r.headers["user-agent"] for r in mofa_sim[1].log}
    assert agents == {
        f"pressroom/{configuration.__version__} (press release archiver; contact: set contact in pressroom.toml)"
    }
    assert "no contact set" not in run("status").stderr, "only commands that fetch warn"


def test_set_contact_gives_no_warning(pressroom: Pressroom) -> None:
    assert "contact" not in pressroom("crawl", "mofa").stderr
