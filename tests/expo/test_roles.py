"""Each role calls the services directly and is refused exactly what it may not do.

One table: a service call, and the roles that may make it. Every call runs for every role (and
for an anonymous station once the event has users); refusals must change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from expo.actors import Actor, Role
from expo.db import EventDatabase
from expo.errors import ExpoError
from expo.models import EventRecord, StationKind
from expo.permissions import NotAllowed
from expo.services.audit import list_events
from expo.services.badges import reissue_badge
from expo.services.booth_assignment import assign_booths
from expo.services.catalogue import ProductDraft, save_catalogue
from expo.services.checkin import check_in
from expo.services.hall_plans import create_hall
from expo.services.lead_export import export_inquiries
from expo.services.leads import InquiryDraft, list_leads, record_inquiry
from expo.services.registry import NewVisitor, add_visitor
from expo.services.users import add_user
from expo.services.visitor_edit import update_visitor
from expo.services.visitor_export import export_visitors
from tests.fair import SmallFair, build_small_fair

ORGANISER, DESK, BOOTH_A, BOOTH_B, ANONYMOUS = "organiser", "desk", "booth A", "booth B", "anon"


class _Undo(Exception):
    """Rolls back an allowed call: every case starts from the same fair."""


@dataclass(frozen=True)
class Case:
    name: str
    call: Callable[[Any, SmallFair, Path], object]
    allowed: frozenset[str]
    writes: bool = True


def _inquiry(uow: Any, fair: SmallFair, _tmp: Path) -> object:
    draft = InquiryDraft(skus=[fair.skus_a[0]], quantity=100)
    return record_inquiry(uow, fair.factory_a, fair.code_consenting, draft, uow.station())


CASES = [
    Case(
        "check in",
        lambda uow, fair, _t: check_in(uow, fair.code_private, uow.station()),
        frozenset({ORGANISER, DESK}),
    ),
    Case(
        "register a walk-in",
        lambda uow, _f, _t: add_visitor(uow, NewVisitor("周一", "13312345678"), uow.station()),
        frozenset({ORGANISER, DESK}),
    ),
    Case(
        "edit a visitor",
        lambda uow, fair, _t: update_visitor(uow, fair.private, city="东莞"),
        frozenset({ORGANISER, DESK}),
    ),
    Case(
        "reissue a lost badge",
        lambda uow, fair, _t: reissue_badge(uow, fair.private),
        frozenset({ORGANISER, DESK}),
    ),
    Case("log an inquiry for factory A", _inquiry, frozenset({ORGANISER, BOOTH_A})),
    Case(
        "edit factory A's catalogue",
        lambda uow, fair, _t: save_catalogue(
            uow, fair.factory_a, [(None, ProductDraft("NEW-1", "新品", "camping", 10))]
        ),
        frozenset({ORGANISER, BOOTH_A}),
    ),
    Case(
        "read factory A's leads",
        lambda session, fair, _t: list_leads(session, fair.factory_a),
        frozenset({ORGANISER, BOOTH_A}),
        writes=False,
    ),
    Case(
        "export factory A's inquiries",
        lambda session, fair, tmp: export_inquiries(session, fair.factory_a, tmp / "a.xlsx"),
        frozenset({ORGANISER, BOOTH_A}),
        writes=False,
    ),
    Case(
        "export every visitor",
        lambda session, _f, tmp: export_visitors(session, tmp / "all.xlsx"),
        frozenset({ORGANISER}),
        writes=False,
    ),
    Case(
        "read the audit trail",
        lambda session, _f, _t: list_events(session),
        frozenset({ORGANISER}),
        writes=False,
    ),
    Case(
        "plan a hall",
        lambda uow, _f, _t: create_hall(uow, "Z", "新馆", 40.0, 30.0),
        frozenset({ORGANISER}),
    ),
    Case(
        "assign booths",
        lambda uow, _f, _t: assign_booths(uow),
        frozenset({ORGANISER}),
    ),
    Case(
        "add a user",
        lambda uow, _f, _t: add_user(uow, "new.desk", Role.DESK, "8642"),
        frozenset({ORGANISER}),
    ),
]


@pytest.fixture(scope="module")
def _fair_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SmallFair]:
    from expo.db import open_event
    from expo.services.events import create_event

    path = tmp_path_factory.mktemp("roles") / "fair.sqlite"
    db = open_event(path, create=True)
    with db.write(Actor("Office", StationKind.OFFICE)) as uow:
        create_event(uow, "角色测试展")
    fair = build_small_fair(db)
    with db.write(Actor("Office", StationKind.OFFICE)) as uow:
        add_user(uow, "boss", Role.ORGANISER, "135790")
    db.checkpoint()
    db.dispose()
    return path, fair


@pytest.fixture
def fair_db(_fair_template: tuple[Path, SmallFair], tmp_path: Path) -> EventDatabase:
    import shutil

    from expo.db import open_event

    path = tmp_path / "fair.sqlite"
    shutil.copyfile(_fair_template[0], path)
    db = open_event(path)
    yield db  # type: ignore[misc]
    db.dispose()


def _actor(who: str, fair: SmallFair) -> Actor:
    return {
        ORGANISER: Actor("Office", StationKind.OFFICE, "boss", Role.ORGANISER),
        DESK: Actor("Desk 1", StationKind.DESK, "li.na", Role.DESK),
        BOOTH_A: Actor(fair.station_a, StationKind.BOOTH, "a.sales", Role.BOOTH, fair.factory_a),
        BOOTH_B: Actor(fair.station_b, StationKind.BOOTH, "b.sales", Role.BOOTH, fair.factory_b),
        ANONYMOUS: Actor("Somebody's laptop"),
    }[who]


def _events(db: EventDatabase) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(EventRecord)) or 0


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
@pytest.mark.parametrize("who", [ORGANISER, DESK, BOOTH_A, BOOTH_B, ANONYMOUS])
def test_each_role_is_refused_exactly_what_it_may_not_do(
    case: Case,
    who: str,
    fair_db: EventDatabase,
    _fair_template: tuple[Path, SmallFair],
    tmp_path: Path,
) -> None:
    fair = _fair_template[1]
    actor = _actor(who, fair)
    before = _events(fair_db)
    try:
        if case.writes:
            with fair_db.write(actor) as uow:
                case.call(uow, fair, tmp_path)
                raise _Undo
        else:
            with fair_db.read(actor) as session:
                case.call(session, fair, tmp_path)
        outcome = "allowed"
    except _Undo:
        outcome = "allowed"
    except NotAllowed:
        outcome = "refused"
    except ExpoError:
        outcome = "allowed"  # past the role check, refused for a business reason (no booths)
    expected = "allowed" if who in case.allowed else "refused"
    assert outcome == expected, f"{who} / {case.name}"
    assert _events(fair_db) == before  # a refusal (and the undone call) changed nothing
    assert not list(tmp_path.glob("*.xlsx")) or outcome == "allowed"
