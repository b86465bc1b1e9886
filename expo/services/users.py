"""Users and signing in: add, list, disable; check a PIN with a slow-down that survives restarts.

PINs are hashed with argon2 (argon2-cffi). A verify costs tens to hundreds of milliseconds on
purpose: the GUI runs ``sign_in`` off the GUI thread. After ``FREE_TRIES`` wrong PINs each further
try must wait longer (doubling, up to ``MAX_WAIT``); the counter and the wait live in the
``app_user`` row, so quitting the app does not reset them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from expo.actors import Actor, Role
from expo.errors import ExpoError
from expo.models import Factory, StationKind, User
from expo.models.types import utcnow
from expo.permissions import Permission, require
from expo.text.clean import clean_text
from expo.unit_of_work import UnitOfWork

FREE_TRIES = 3
FIRST_WAIT = dt.timedelta(seconds=5)
MAX_WAIT = dt.timedelta(minutes=15)
MIN_PIN_LENGTH = 4

_hasher = PasswordHasher()


class UserError(ExpoError):
    """A user cannot be added or changed as asked."""


class SignInRefused(ExpoError):
    """Wrong name or PIN, a disabled user, or too many wrong PINs just now."""


@dataclass(frozen=True)
class UserInfo:
    id: int
    name: str
    role: Role
    factory_id: int | None
    disabled: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "role": str(self.role),
            "factory": self.factory_id,
            "disabled": self.disabled,
        }


def _info(user: User) -> UserInfo:
    return UserInfo(user.id, user.name, Role(user.role), user.factory_id, user.disabled)


def add_user(
    uow: UnitOfWork, name: str, role: Role | str, pin: str, *, factory_id: int | None = None
) -> UserInfo:
    """Add a user. The first user must be an organiser (who then manages the others)."""
    require(uow, uow.actor, Permission.MANAGE_USERS)
    cleaned = clean_text(name)
    if cleaned is None or len(cleaned) > 64:
        raise UserError("A user needs a name of 1 to 64 characters.")
    try:
        role = Role(role)
    except ValueError as exc:
        raise UserError(f"Unknown role {role!r}; use organiser, desk or booth.") from exc
    if uow.scalar(select(User.id).limit(1)) is None and role is not Role.ORGANISER:
        raise UserError("Add an organiser first: the organiser then adds desk and booth staff.")
    if role is Role.BOOTH:
        if factory_id is None:
            raise UserError("Booth staff work for one factory: give --factory F.")
        if uow.get(Factory, factory_id) is None:
            raise UserError(f"No factory {factory_id}; see python -m expo factories list.")
    elif factory_id is not None:
        raise UserError("Only booth staff are bound to a factory; leave out --factory.")
    if len(pin) < MIN_PIN_LENGTH:
        raise UserError(f"A PIN needs at least {MIN_PIN_LENGTH} characters.")
    if uow.scalar(select(User.id).where(User.name == cleaned)) is not None:
        raise UserError(f"There is already a user called {cleaned}; choose another name.")
    user = User(name=cleaned, role=str(role), factory_id=factory_id, pin_hash=_hasher.hash(pin))
    uow.add(user)
    uow.flush()
    uow.info["expo_users_exist"] = True
    uow.record("user.added", [user.uuid], name=cleaned, role=str(role), factory=factory_id)
    return _info(user)


def list_users(session: Session) -> list[UserInfo]:
    return [_info(user) for user in session.scalars(select(User).order_by(User.name))]


def disable_user(uow: UnitOfWork, name: str) -> UserInfo:
    require(uow, uow.actor, Permission.MANAGE_USERS)
    user = uow.scalar(select(User).where(User.name == name.strip()))
    if user is None:
        raise UserError(f"No user called {name}; see python -m expo users list.")
    if user.role == Role.ORGANISER and not user.disabled:
        others = uow.scalar(
            select(User.id).where(
                User.role == str(Role.ORGANISER), User.disabled.is_(False), User.id != user.id
            )
        )
        if others is None:
            raise UserError("This is the last organiser: add another organiser first.")
    if not user.disabled:
        user.disabled = True
        uow.flush()
        uow.record("user.disabled", [user.uuid], name=user.name)
    return _info(user)


def sign_in(uow: UnitOfWork, name: str, pin: str, station: str, kind: StationKind) -> Actor | None:
    """The actor for ``name`` at ``station`` if ``pin`` is right, None for a wrong PIN.

    A wrong PIN is not an exception here, so that the caller commits the failed-try counter
    (``check_pin`` does, then raises). An unknown, disabled or waiting user raises
    ``SignInRefused`` at once: there is nothing to save.
    """
    user = uow.scalar(select(User).where(User.name == name.strip()))
    now = utcnow()
    if user is None or user.disabled:
        raise SignInRefused("Unknown or disabled user, or wrong PIN; try again.")
    if user.locked_until is not None and user.locked_until > now:
        wait = int((user.locked_until - now).total_seconds()) + 1
        raise SignInRefused(f"Too many wrong PINs: wait {wait} s, then try again.")
    if not _pin_matches(user.pin_hash, pin):
        user.failed_tries += 1
        if user.failed_tries >= FREE_TRIES:
            wait = min(FIRST_WAIT * 2 ** (user.failed_tries - FREE_TRIES), MAX_WAIT)
            user.locked_until = now + wait
        uow.flush()
        uow.record("user.sign_in_failed", [user.uuid], name=user.name, tries=user.failed_tries)
        return None
    if user.failed_tries or user.locked_until is not None:
        user.failed_tries = 0
        user.locked_until = None
    if _hasher.check_needs_rehash(user.pin_hash):
        user.pin_hash = _hasher.hash(pin)
    uow.flush()
    kind = StationKind.BOOTH if user.role == Role.BOOTH else kind
    uow.record("user.signed_in", [user.uuid], name=user.name)
    return Actor(station, kind, user=user.name, role=Role(user.role), factory_id=user.factory_id)


def check_pin(db: Any, name: str, pin: str, station: str, kind: StationKind) -> Actor:
    """Sign in through ``db`` (an ``EventDatabase``): the failed-try counter is saved whether
    the PIN was right or not; raises ``SignInRefused`` for a wrong one."""
    with db.write(Actor(station, kind)) as uow:
        actor = sign_in(uow, name, pin, station, kind)
    if actor is None:
        raise SignInRefused("Unknown or disabled user, or wrong PIN; try again.")
    return actor


def _pin_matches(pin_hash: str, pin: str) -> bool:
    try:
        return _hasher.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False
