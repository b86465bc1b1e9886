"""Users and sign-in: the first user is an organiser, PINs are argon2 hashes, wrong PINs slow
further tries, and the slow-down survives a restart (it lives in the database)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from expo.actors import Actor, Role
from expo.db import EventDatabase, open_event
from expo.models import StationKind, User
from expo.permissions import NotAllowed, Permission, require
from expo.services import users
from expo.services.users import SignInRefused, UserError, add_user, check_pin, disable_user

OFFICE = Actor("Office", StationKind.OFFICE)


def test_the_first_user_must_be_an_organiser(empty_db: EventDatabase) -> None:
    with pytest.raises(UserError, match="organiser first"), empty_db.write(OFFICE) as uow:
        add_user(uow, "li.na", Role.DESK, "2468")
    with empty_db.write(OFFICE) as uow:
        add_user(uow, "boss", Role.ORGANISER, "135790")
    with empty_db.session() as session:
        stored = session.scalar(select(User.pin_hash).where(User.name == "boss"))
    assert stored is not None and stored.startswith("$argon2") and "135790" not in stored


def test_once_users_exist_an_anonymous_actor_is_refused(empty_db: EventDatabase) -> None:
    with empty_db.write(OFFICE) as uow:
        require(uow, uow.actor, Permission.EXPORT_PERSONAL_DATA)  # single-laptop: allowed
        add_user(uow, "boss", Role.ORGANISER, "135790")
    with empty_db.session() as session:
        with pytest.raises(NotAllowed, match="Sign in"):
            require(session, OFFICE, Permission.EXPORT_PERSONAL_DATA)
        desk = Actor("Desk 1", user="li.na", role=Role.DESK)
        with pytest.raises(NotAllowed, match="organiser"):
            require(session, desk, Permission.EXPORT_PERSONAL_DATA)
        require(session, desk, Permission.CHECK_IN)
        booth = Actor("Booth", StationKind.BOOTH, "wang", Role.BOOTH, factory_id=3)
        require(session, booth, Permission.READ_LEADS, factory_id=3)
        with pytest.raises(NotAllowed, match="factory 3"):
            require(session, booth, Permission.READ_LEADS, factory_id=4)


def test_sign_in_gives_the_users_role_and_factory(demo_db: EventDatabase) -> None:
    boss = _with_organiser(demo_db)
    with demo_db.write(boss) as uow:
        add_user(uow, "wang", "booth", "4444", factory_id=2)
    actor = check_pin(demo_db, "wang", "4444", "Booth laptop", StationKind.DESK)
    assert (actor.user, actor.role, actor.factory_id, actor.kind) == (
        "wang",
        Role.BOOTH,
        2,
        StationKind.BOOTH,
    )


def test_wrong_pins_slow_further_tries_even_after_a_restart(
    empty_db: EventDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_organiser(empty_db)
    for _ in range(users.FREE_TRIES):
        with pytest.raises(SignInRefused, match="wrong PIN"):
            check_pin(empty_db, "boss", "0000", "Desk 1", StationKind.DESK)
    location = empty_db.location
    empty_db.dispose()
    reopened = open_event(location)  # the app restarted: the wait is still there
    try:
        with pytest.raises(SignInRefused, match="wait"):
            check_pin(reopened, "boss", "135790", "Desk 1", StationKind.DESK)
        with reopened.session() as session:
            user = session.scalar(select(User).where(User.name == "boss"))
            assert user is not None and user.failed_tries == users.FREE_TRIES
            assert user.locked_until is not None
        # Once the wait has passed, the right PIN works and resets the counter.
        later = user.locked_until + dt.timedelta(seconds=1)
        monkeypatch.setattr(users, "utcnow", lambda: later)
        assert check_pin(reopened, "boss", "135790", "Desk 1", StationKind.DESK).role is (
            Role.ORGANISER
        )
        with reopened.session() as session:
            assert session.scalar(select(User.failed_tries).where(User.name == "boss")) == 0
    finally:
        reopened.dispose()


def test_a_disabled_user_cannot_sign_in_and_the_last_organiser_stays(
    empty_db: EventDatabase,
) -> None:
    boss = _with_organiser(empty_db)
    with pytest.raises(UserError, match="last organiser"), empty_db.write(boss) as uow:
        disable_user(uow, "boss")
    with empty_db.write(boss) as uow:
        add_user(uow, "li.na", Role.DESK, "2468")
        disable_user(uow, "li.na")
    with pytest.raises(SignInRefused):
        check_pin(empty_db, "li.na", "2468", "Desk 1", StationKind.DESK)


def test_only_an_organiser_manages_users(empty_db: EventDatabase) -> None:
    boss = _with_organiser(empty_db)
    with empty_db.write(boss) as uow:
        add_user(uow, "li.na", Role.DESK, "2468")
    desk = check_pin(empty_db, "li.na", "2468", "Desk 1", StationKind.DESK)
    with pytest.raises(NotAllowed, match="may not manage users"), empty_db.write(desk) as uow:
        add_user(uow, "mallory", Role.ORGANISER, "1111")


def _with_organiser(db: EventDatabase) -> Actor:
    with db.write(OFFICE) as uow:
        add_user(uow, "boss", Role.ORGANISER, "135790")
    return check_pin(db, "boss", "135790", "Office", StationKind.OFFICE)
