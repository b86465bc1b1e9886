"""The event's badge-signing key, kept out of the event file.

Copies of an event file (backups, a file handed to another desk, a stolen laptop's disk) must not
let anyone mint badges, so the key lives in a key file readable only by this user, in the user's
data folder (``keys/<event uuid>.key``, or ``$EXPO_KEY_DIR``). A second station gets it from the
organiser (``python -m expo keys export`` / ``keys import``; joining will carry it once stations
sync). See docs/security.md for what this does and does not protect.
"""

from __future__ import annotations

import json
import os
import secrets
import uuid
from pathlib import Path

from expo.errors import ExpoError


class MissingBadgeKey(ExpoError):
    """This station does not hold the event's badge key."""


class BadKeyFile(ExpoError):
    """A key file that cannot be read or belongs to another event."""


def key_dir() -> Path:
    override = os.environ.get("EXPO_KEY_DIR")
    if override:
        return Path(override)
    from expo.db import data_dir

    return data_dir() / "keys"


def new_key() -> str:
    return secrets.token_hex(32)


def _path(event_uuid: uuid.UUID) -> Path:
    return key_dir() / f"{event_uuid}.key"


def store_key(event_uuid: uuid.UUID, key_hex: str, event_name: str = "") -> Path:
    """Write the key file (owner-only permissions), atomically."""
    bytes.fromhex(key_hex)  # refuse anything that is not a key
    folder = key_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = _path(event_uuid)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({"event": str(event_uuid), "name": event_name, "key": key_hex}, handle)
    os.replace(temporary, path)
    return path


def load_key(event_uuid: uuid.UUID) -> bytes | None:
    path = _path(event_uuid)
    if not path.exists():
        return None
    return _read(path, event_uuid)


def _read(path: Path, event_uuid: uuid.UUID | None) -> bytes:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        key = bytes.fromhex(data["key"])
        owner = uuid.UUID(data["event"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BadKeyFile(
            f"{path} is not an Expo Desk badge key file; ask the organiser for a new export."
        ) from exc
    if event_uuid is not None and owner != event_uuid:
        raise BadKeyFile(f"{path} holds the key of another event; import this event's key.")
    if len(key) < 16:
        raise BadKeyFile(f"{path} holds a key that is too short to be this event's.")
    return key


def export_key(event_uuid: uuid.UUID, event_name: str, target: Path) -> Path:
    key = load_key(event_uuid)
    if key is None:
        raise MissingBadgeKey(missing_message(event_name))
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({"event": str(event_uuid), "name": event_name, "key": key.hex()}, handle)
    return target


def import_key(event_uuid: uuid.UUID, event_name: str, source: Path) -> Path:
    key = _read(source, event_uuid)
    return store_key(event_uuid, key.hex(), event_name)


def missing_message(event_name: str) -> str:
    return (
        f"This station does not hold the badge key of {event_name}, so it can neither print nor "
        "check badges. Import it from the organiser's export: python -m expo keys import FILE."
    )
