"""What each role may do, checked by the services themselves (hidden buttons are a convenience).

``require(session, actor, permission, factory_id=...)`` raises ``NotAllowed`` with a message that
says who may do it. An event with no users yet is a single laptop run by its organiser: every
actor may do everything until the first organiser is added (``users add``).
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from expo.actors import Actor, Role
from expo.errors import ExpoError


class Permission(StrEnum):
    CHECK_IN = "check in visitors"
    REGISTER_VISITOR = "register walk-ins"
    EDIT_VISITOR = "edit visitors"
    SEARCH_VISITORS = "search visitors"
    PRINT_BADGES = "print badges"
    REVOKE_BADGE = "reissue lost badges"
    SEE_FULL_PHONES = "see full phone numbers"
    EXPORT_PERSONAL_DATA = "export personal data"
    IMPORT_VISITORS = "import visitors"
    MANAGE_BOOTHS = "plan and assign booths"
    MANAGE_CATALOGUE = "edit a factory's catalogue"
    RECORD_INQUIRY = "log inquiries for a factory"
    READ_LEADS = "read a factory's leads"
    MANAGE_USERS = "manage users"
    READ_AUDIT = "read the audit trail"
    READ_REPORTS = "read the fair's figures and reports"
    MANAGE_EVENT = "change the event's set-up"


_DESK = frozenset(
    {
        Permission.CHECK_IN,
        Permission.REGISTER_VISITOR,
        Permission.EDIT_VISITOR,
        Permission.SEARCH_VISITORS,
        Permission.PRINT_BADGES,
        Permission.REVOKE_BADGE,
    }
)
# Booth staff act for their own factory only (checked against ``factory_id``).
_BOOTH = frozenset({Permission.MANAGE_CATALOGUE, Permission.RECORD_INQUIRY, Permission.READ_LEADS})
GRANTS: dict[Role, frozenset[Permission]] = {
    Role.ORGANISER: frozenset(Permission),
    Role.DESK: _DESK,
    Role.BOOTH: _BOOTH,
}
WHO_MAY = {
    permission: [role for role, granted in GRANTS.items() if permission in granted]
    for permission in Permission
}


class NotAllowed(ExpoError):
    """The signed-in person's role may not do this."""


ANONYMOUS = Actor("unknown station")
_READER = "expo_actor"


def actor_of(session: Session) -> Actor:
    """Who is reading or writing through ``session``: the unit of work's actor, the actor a
    read session was opened for (``EventDatabase.read``), else an anonymous one (which may do
    nothing once the event has users)."""
    actor = getattr(session, "actor", None) or session.info.get(_READER)
    return actor if isinstance(actor, Actor) else ANONYMOUS


def bind_reader(session: Session, actor: Actor) -> Session:
    session.info[_READER] = actor
    return session


def users_exist(session: Session) -> bool:
    from expo.models.users import User

    cached = session.info.get("expo_users_exist")
    if cached is None:
        cached = session.scalar(select(User.id).limit(1)) is not None
        session.info["expo_users_exist"] = cached
    return bool(cached)


def allowed(
    session: Session, actor: Actor, permission: Permission, factory_id: int | None = None
) -> bool:
    if actor.role is None:
        return not users_exist(session)
    if permission not in GRANTS[actor.role]:
        return False
    if actor.role is Role.BOOTH and factory_id is not None:
        return actor.factory_id == factory_id
    return True


def require(
    session: Session, actor: Actor, permission: Permission, factory_id: int | None = None
) -> None:
    """Raise ``NotAllowed`` unless ``actor`` may do ``permission`` (for ``factory_id``)."""
    if allowed(session, actor, permission, factory_id):
        return
    if actor.role is None:
        raise NotAllowed(
            f"Sign in to {permission.value}: this event has users "
            "(python -m expo --user NAME --pin-stdin ..., or the app's sign-in)."
        )
    if actor.role is Role.BOOTH and permission in _BOOTH:
        raise NotAllowed(
            f"{actor.user or actor.station} works for factory {actor.factory_id} and may "
            f"{permission.value} for that factory only."
        )
    roles = " or ".join(str(role) for role in WHO_MAY[permission])
    raise NotAllowed(
        f"{actor.user or actor.station} ({actor.role}) may not {permission.value}; "
        f"ask a user with the {roles} role."
    )


def masks_phones(session: Session, actor: Actor) -> bool:
    """Lists and exports show phones masked (last 4 digits) for this actor."""
    return not allowed(session, actor, Permission.SEE_FULL_PHONES)


def permit(session: Session, permission: Permission, factory_id: int | None = None) -> None:
    """``require`` for whoever acts through ``session`` (a unit of work or a read session)."""
    require(session, actor_of(session), permission, factory_id)
