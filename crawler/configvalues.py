"""Setting values checked against the type of their defaults: one line naming the table and the key for a
value of the wrong type or out of range."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any, TypeVar

from crawler.errors import ConfigError

T = TypeVar("T")

# Settings whose zero makes no sense (a zero timeout fails every request, zero attempts fetch nothing);
# every other number may be zero but not negative.
POSITIVE = frozenset(
    {
        "timeout",
        "deadline",
        "max_bytes",
        "attachment_max_bytes",
        "attempts",
        "interval",
        "notify_timeout",
        "cdx_per_minute",
        "captures_per_second",
    }
)


def override(
    obj: T,
    table: dict[str, Any],
    where: str,
    *,
    hidden: frozenset[str] = frozenset(),
) -> T:
    """`obj` with the settings of `table`, each checked against the type of its default; a ConfigError naming
    `where` and the key for an unknown one, one of `hidden` (fields no table sets), or a value of the wrong
    type or out of range."""
    known = {f.name for f in fields(obj)}  # type: ignore[arg-type]
    changes: dict[str, Any] = {}
    for key, value in table.items():
        if key not in known or key in hidden:
            raise ConfigError(f"{where}: unknown setting {key!r}")
        changes[key] = checked(key, value, getattr(obj, key), where)
    return replace(obj, **changes)  # type: ignore[type-var]


def checked(key: str, value: Any, current: Any, where: str) -> Any:
    """`value` converted to the type of the setting's default, or a ConfigError naming the key."""
    if isinstance(current, tuple):
        if not isinstance(value, list):
            raise ConfigError(f"{where}: {key} must be a list")
        return tuple(str(v) for v in value)
    if isinstance(current, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {key} must be true or false")
        return value
    if isinstance(current, (int, float)):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ConfigError(f"{where}: {key} must be a number")
        if isinstance(current, int) and not float(value).is_integer():
            raise ConfigError(f"{where}: {key} = {value} must be a whole number")
        if key in POSITIVE and value <= 0:
            least = "at least 1" if isinstance(current, int) else "greater than 0"
            raise ConfigError(f"{where}: {key} = {value} is out of range (must be {least})")
        if value < 0:
            raise ConfigError(f"{where}: {key} = {value} is out of range (must not be negative)")
        return type(current)(value)
    if isinstance(current, str) and not isinstance(value, str):
        raise ConfigError(f"{where}: {key} must be a string")
    return value
