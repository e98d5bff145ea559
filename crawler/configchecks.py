"""Checks of settings that name places: a site's address, a published site's base URL, a CA bundle. Each
fails with one line (a ConfigError) naming where the setting was read and what is wrong with it."""

from __future__ import annotations

import ssl
import urllib.parse
from typing import TYPE_CHECKING

from crawler.errors import ConfigError

if TYPE_CHECKING:
    from crawler.config import SiteConfig


def check_site(config: SiteConfig, default: SiteConfig, where: str) -> None:
    """Fail with one line naming `where` and the key on settings no site can use: a base URL that is not
    an http(s) URL with a host (every request would fail), no collection (nothing would be crawled, and
    the run would look healthy), an unreadable CA bundle. `default`'s values serve as examples."""
    problem = _base_url_problem(config.base_url.strip())
    if problem:
        example = f", e.g. {default.base_url}" if default.base_url else ""
        raise ConfigError(
            f"{where}: base_url {config.base_url!r} {problem} (the site's address, an http(s) URL with a host{example})"
        )
    if not config.collections:
        example = ", ".join(f'"{c}"' for c in default.collections)
        raise ConfigError(f"{where}: collections is empty: list at least one collection (default: [{example}])")
    check_ca_bundle(config.ca_bundle, where)


def check_ca_bundle(path: str, where: str) -> None:
    """Fail with one line unless `path` (if set) is a readable file of PEM certificates."""
    if not path:
        return
    try:
        ssl.create_default_context().load_verify_locations(cafile=path)
    except ssl.SSLError:  # a subclass of OSError: caught first
        raise ConfigError(f"{where}: ca_bundle {path}: not a PEM certificate file") from None
    except OSError as exc:
        raise ConfigError(f"{where}: ca_bundle {path}: {exc.strerror or exc}") from None


def check_base_url(value: str, where: str) -> str:
    """`value` as the base URL of a published site (an absolute http(s) URL without query or fragment, no
    trailing slash), or a ConfigError naming `where`: pages and feed entries are linked by appending paths."""
    problem = _base_url_problem(value.strip())
    if problem:
        raise ConfigError(f"{where} {value!r} {problem} (e.g. https://press.example.org/archive)")
    return value.strip().rstrip("/")


def check_wayback_url(value: str, where: str) -> str:
    """`value` as the Wayback Machine's address (an http(s) URL with a host, no query), without a trailing
    slash; or a ConfigError naming `where`."""
    problem = _base_url_problem(value.strip())
    if problem:
        raise ConfigError(f"{where} {value!r} {problem} (e.g. https://web.archive.org)")
    return value.strip().rstrip("/")


def _base_url_problem(value: str) -> str | None:
    try:
        parts = urllib.parse.urlsplit(value)
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError as exc:
        return f"is not a URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return "must start with http:// or https://"
    if not parts.hostname:
        return "has no host"
    if "?" in value or "#" in value:
        return "must not have a query (?) or a fragment (#)"
    if any(ch.isspace() for ch in value):
        return "must not contain spaces"
    return None
