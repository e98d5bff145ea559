"""A ministry defined in pressroom.toml: its [sites."NAME"] table read into a `Definition`.

The table holds the definition's keys (hosts, release_url, list_urls, dates, a [select] and a [backfill]
table) next to the settings any site has (min_interval, list_pages, enabled, ...), which are returned for
the settings loader to check. CSS selectors only, no code (`hooks`) and nothing that would carry a
session or an identity (cookies, headers, credentials): a definition is a recipe anyone can share.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any
from urllib.parse import urlsplit

from crawler.config import SiteConfig
from crawler.sites.definition import Backfill, Dates, Definition, DefinitionError, Selectors, validate

# Keys of the table that make it a definition rather than settings of a built-in site.
MARKS = frozenset({"release_url", "list_urls", "select", "hosts"})
TEXT = {"description": "description", "language": "language", "release_url": "release_url",
        "canonical": "canonical", "scheme": "scheme", "collection": "collection",
        "collection_name": "collection_name"}  # fmt: skip
TEXTS = ("aliases", "hosts", "list_urls", "challenge_markers", "legacy_charsets")
FLAGS = ("per_language", "numeric_id")
DATE_KEYS = {"time_zone": "time_zone", "date_formats": "formats", "date_labels": "labels", "months": "months"}
FORBIDDEN = frozenset({"cookie", "cookies", "header", "headers", "user_agent", "auth", "authorization",
                       "password", "token", "credentials", "login", "session"})  # fmt: skip
BACKFILL_NUMBERS = ("pages", "first_page", "window_days", "per_page")
BACKFILL_TEXT = ("since_param", "until_param", "date_format")


def is_definition(table: dict[str, Any]) -> bool:
    """Whether a [sites."NAME"] table defines a site (rather than only setting a built-in one's options)."""
    return bool(MARKS & table.keys())


def define(
    name: str, table: dict[str, Any], sites: dict[str, SiteConfig]
) -> tuple[SiteConfig, dict[str, Any], Definition] | None:
    """What `crawler.config.load` needs of a table for a site that is not built in: None when it defines
    nothing (a misspelt site name), else the site's defaults, its settings, and the checked definition."""
    from crawler.sites import names_taken
    from crawler.sites.generic import defaults

    if not is_definition(table):
        return None
    definition, settings = from_table(name, table)
    taken = names_taken()
    if name in taken:
        raise DefinitionError("name", f"{name!r} is already an alias of {taken[name]}")
    for alias in definition.aliases:
        if alias in taken or alias in sites:
            raise DefinitionError("aliases", f"{alias!r} already names {taken.get(alias, alias)}")
    return defaults(definition), settings, definition


def from_table(name: str, table: dict[str, Any]) -> tuple[Definition, dict[str, Any]]:
    """The validated definition a table gives, and the table's remaining keys (the site's settings)."""
    for key in table:
        _refuse(key, key)
    settings = {k: v for k, v in table.items() if k not in _definition_keys()}
    values: dict[str, Any] = {"name": name}
    for key, attr in TEXT.items():
        if key in table:
            values[attr] = _text(table[key], key)
    for key in TEXTS:
        if key in table:
            values[key] = _texts(table[key], key)
    for key in FLAGS:
        if key in table:
            values[key] = _flag(table[key], key)
    values.setdefault("hosts", _default_hosts(name, values.get("list_urls", ())))
    values["select"] = _selectors(table.get("select", {}))
    values["dates"] = _dates(table)
    values["backfill"] = _backfill(table.get("backfill", {}))
    try:
        definition = Definition(**values)
    except TypeError as exc:
        raise DefinitionError("table", f"malformed definition: {exc}") from None
    return validate(definition), settings


def _definition_keys() -> frozenset[str]:
    return frozenset({*TEXT, *TEXTS, *FLAGS, *DATE_KEYS, "select", "backfill"})


def _refuse(key: str, where: str) -> None:
    if key == "hooks":
        raise DefinitionError(where, "a site defined in pressroom.toml cannot name code (hooks are for built-in sites)")
    if key.lower() in FORBIDDEN or "cookie" in key.lower() or "header" in key.lower():
        raise DefinitionError(where, "no cookies, headers or credentials in a site definition: it must be shareable")


def _default_hosts(name: str, list_urls: tuple[str, ...]) -> tuple[str, ...]:
    """The list pages' hosts, then the site's name: most ministries are named after their host."""
    hosts = [(urlsplit(u).hostname or "") for u in list_urls] + [name]
    return tuple(dict.fromkeys(h for h in hosts if h))


def _selectors(table: Any) -> Selectors:
    if not isinstance(table, dict):
        raise DefinitionError("select", 'must be a table ([sites."NAME".select])')
    known = {f.name for f in fields(Selectors)}
    values = {}
    for key, value in table.items():
        _refuse(key, f"select.{key}")
        if key not in known:
            raise DefinitionError(f"select.{key}", f"unknown field (known: {', '.join(sorted(known))})")
        values[key] = _texts([value] if isinstance(value, str) else value, f"select.{key}")
    return Selectors(**values)


def _dates(table: dict[str, Any]) -> Dates:
    values: dict[str, Any] = {}
    for key, attr in DATE_KEYS.items():
        if key not in table:
            continue
        if key == "time_zone":
            values[attr] = _text(table[key], key)
        elif key == "months":
            value = table[key]
            if not isinstance(value, list) or not all(isinstance(v, list) for v in value):
                raise DefinitionError(key, "must be a list of lists of 12 month names, January first")
            values[attr] = tuple(_texts(v, key) for v in value)
        else:
            values[attr] = _texts(table[key], key)
    return Dates(**values)


def _backfill(table: Any) -> Backfill:
    if not isinstance(table, dict):
        raise DefinitionError("backfill", 'must be a table ([sites."NAME".backfill])')
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key in BACKFILL_NUMBERS:
            if not isinstance(value, int) or isinstance(value, bool):
                raise DefinitionError(f"backfill.{key}", "must be a whole number")
            values[key] = value
        elif key in BACKFILL_TEXT:
            values[key] = _text(value, f"backfill.{key}")
        else:
            known = ", ".join((*BACKFILL_NUMBERS, *BACKFILL_TEXT))
            raise DefinitionError(f"backfill.{key}", f"unknown field (known: {known})")
    return Backfill(**values)


def _text(value: Any, key: str) -> str:
    if not isinstance(value, str):
        raise DefinitionError(key, "must be a string")
    return value


def _texts(value: Any, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DefinitionError(key, "must be a list of strings")
    return tuple(value)


def _flag(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise DefinitionError(key, "must be true or false")
    return value
