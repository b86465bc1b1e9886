"""Typed application settings over QSettings, with versioned upgrades (Picard's way).

Each setting is declared once with its type and default; nothing else reads QSettings directly.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QSettings

T = TypeVar("T")
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Option(Generic[T]):
    key: str
    default: T


STATION_NAME = Option("station/name", f"{platform.node() or 'station'}")
LAST_EVENT = Option("event/last", "")
WINDOW_GEOMETRY = Option("window/geometry", b"")
LAST_PAGE = Option("window/page", "overview")
# The factory whose booth this station is (0: none); the Booth page sets it.
BOOTH_FACTORY = Option("booth/factory_id", 0)

# Lock the station after this many idle minutes (0: never); the PIN unlocks it.
LOCK_IDLE_MINUTES = Option("station/lock_idle_minutes", 10)

# The check-in desk.
PRINT_ON_CHECK_IN = "auto"  # print the badge as soon as a first check-in succeeds
PRINT_ON_KEY = "key"  # print when the desk presses the print key
PRINT_OFF = "off"
DESK_PRINT_MODE = Option("desk/print_mode", PRINT_ON_KEY)
DESK_PRINT_KEY = Option("desk/print_key", "F2")
DESK_BADGE_LAYOUT = Option("desk/badge_layout", "label")  # a6 | label | a4x8
DESK_PRINTER = Option("desk/printer", "")  # empty: the system's default printer
DESK_SOUND = Option("desk/sound", True)
# Silence after a fast burst of keys that ends a scan from a scanner that sends no Enter/Tab.
DESK_SCAN_GAP_MS = Option("desk/scan_gap_ms", 80)


class Settings:
    def __init__(self, store: QSettings | None = None) -> None:
        self._store = store or QSettings("ExpoDesk", "ExpoDesk")
        self._upgrade()

    def get(self, option: Option[T]) -> T:
        value = self._store.value(option.key, option.default)
        return _coerce(value, option.default)

    def set(self, option: Option[T], value: T) -> None:
        self._store.setValue(option.key, value)

    def sync(self) -> None:
        self._store.sync()

    def _upgrade(self) -> None:
        version = int(self._store.value("schema/version", 0) or 0)
        # Future upgrades go here as `if version < N: ...`, each renaming or converting keys.
        if version < SCHEMA_VERSION:
            self._store.setValue("schema/version", SCHEMA_VERSION)


def _coerce(value: Any, default: T) -> T:
    """QSettings returns strings from INI files; bring values back to the declared type."""
    if isinstance(default, bool):
        if isinstance(value, str):
            return value.lower() in ("1", "true", "yes")  # type: ignore[return-value]
        return bool(value)  # type: ignore[return-value]
    if isinstance(default, int):
        try:
            return int(value)  # type: ignore[return-value]
        except (TypeError, ValueError):
            return default
    if isinstance(default, bytes):
        return bytes(value) if value else default  # type: ignore[return-value]
    if isinstance(default, str):
        return str(value) if value is not None else default  # type: ignore[return-value]
    return value  # type: ignore[no-any-return]
