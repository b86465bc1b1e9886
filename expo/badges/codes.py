"""Signed badge codes: make, normalise and verify them offline, with nothing but the event's key.

A code reads ``EXPO1.<visitor>.<serial>.<mac>``: the visitor id and the badge serial as
base32 numbers (RFC 4648 letters, no padding) and the first 80 bits of
HMAC-SHA256(event key, ``EXPO1.<visitor>.<serial>``) in base32. Everything is upper-case
letters, digits 2-7 and dots, which a QR code stores in its compact alphanumeric mode: a code
for visitor 200,000 is 29 characters, a version 2 symbol (25 x 25 modules) at error
correction M.

A typo, a forged or an edited code fails the MAC check; a truncated or empty one fails the
format check. Both happen before any database look-up.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass

PREFIX = "EXPO1"
MAC_BYTES = 10  # 80 bits: 16 base32 characters
MAC_CHARS = 16
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_DIGIT = {char: value for value, char in enumerate(ALPHABET)}
# Upper bounds that keep a code inside a version 2 QR symbol at level M (38 characters).
MAX_NUMBER_CHARS = 7
_CODE = re.compile(r"EXPO1\.([A-Z2-7]{1,7})\.([A-Z2-7]{1,7})\.([A-Z2-7]{16})")
# What an active Chinese input method turns a scanner's "." into; NFKC leaves these alone.
_FULL_STOPS = str.maketrans({"。": ".", "｡": ".", "．": ".", "・": "."})


@dataclass(frozen=True)
class DecodedCode:
    visitor_id: int
    serial: int


def encode_number(value: int) -> str:
    """A non-negative integer in base32 without leading zeros ("A" is zero)."""
    if value < 0:
        raise ValueError("badge numbers are not negative")
    if value == 0:
        return ALPHABET[0]
    digits: list[str] = []
    while value:
        value, rest = divmod(value, 32)
        digits.append(ALPHABET[rest])
    return "".join(reversed(digits))


def decode_number(text: str) -> int:
    value = 0
    for char in text:
        value = value * 32 + _DIGIT[char]
    return value


def _mac(key: bytes, body: str) -> str:
    digest = hmac.new(key, body.encode("ascii"), hashlib.sha256).digest()[:MAC_BYTES]
    return base64.b32encode(digest).decode("ascii")


def make_code(key: bytes, visitor_id: int, serial: int) -> str:
    """The signed payload of visitor ``visitor_id``'s badge number ``serial``."""
    body = f"{PREFIX}.{encode_number(visitor_id)}.{encode_number(serial)}"
    if len(body) > len(PREFIX) + 2 + 2 * MAX_NUMBER_CHARS:
        raise ValueError("visitor id or serial too large for a badge code")
    return f"{body}.{_mac(key, body)}"


def normalise_scan(text: str) -> str:
    """What a scanner typed, cleaned: full-width forms folded, spaces and control keys dropped.

    A Chinese input method in full-width mode turns ``EXPO1.`` into ``ＥＸＰＯ１。``; NFKC folds
    the letters and digits, the ideographic full stop is mapped by hand. Case is kept: a
    registration number may be case-sensitive (codes are compared upper-case).
    """
    folded = unicodedata.normalize("NFKC", text).translate(_FULL_STOPS)
    return "".join(
        char for char in folded if not char.isspace() and unicodedata.category(char)[0] != "C"
    )


def looks_like_code(text: str) -> bool:
    """True for anything meant as a badge code, even a truncated one ("EXP", "EXPO1.B")."""
    upper = text.upper()
    return upper.startswith("EXPO") or (len(upper) >= 2 and PREFIX.startswith(upper))


# A pre-registration number as the platform prints it ("FD260000017"): letters and digits, a
# few separators, and digits enough that a typed word or name never looks like one.
_REGISTRATION_NO = re.compile(r"[A-Za-z0-9][A-Za-z0-9_/-]{5,63}")
_REGISTRATION_DIGITS = 4


def looks_like_scan(text: str) -> bool:
    """Could ``text`` (already normalised) be what a scanner reads off a badge?

    A badge code (``EXPO1.`` and a body) or a registration number. Speed decides whether keys
    came from a scanner; this only keeps a fast burst of ordinary words from counting as one.
    """
    if text.upper().startswith(PREFIX + "."):
        return len(text) > len(PREFIX) + 1
    return bool(_REGISTRATION_NO.fullmatch(text)) and (
        sum(char.isdigit() for char in text) >= _REGISTRATION_DIGITS
    )


def verify_code(key: bytes, text: str) -> DecodedCode | None:
    """The visitor and serial of a genuine code; ``None`` for anything else. No database needed.

    Only the canonical spelling verifies (no leading "A" digits), so each badge has exactly one
    code and the database's unique ``code`` column identifies it.
    """
    match = _CODE.fullmatch(text.upper())
    if match is None:
        return None
    visitor_text, serial_text, mac = match.groups()
    if (len(visitor_text) > 1 and visitor_text[0] == "A") or (
        len(serial_text) > 1 and serial_text[0] == "A"
    ):
        return None
    body = f"{PREFIX}.{visitor_text}.{serial_text}"
    if not hmac.compare_digest(_mac(key, body), mac):
        return None
    return DecodedCode(decode_number(visitor_text), decode_number(serial_text))
