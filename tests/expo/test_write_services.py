"""Every write service leaves exactly the events it should, with its actor (docs/events.md).

One table, one scenario on one event database: each row calls a write service (or a
self-opening task) as an actor and names the event kinds it must leave, in order. The scenario
runs once per module; ``test_every_write_service_leaves_exactly_its_events`` checks the whole
table, ``test_each_event_kind_carries_what_a_replay_needs`` one kind at a time, and
``test_the_table_calls_every_write_service`` that no write service is missing from it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import ezdxf
import pytest
from sqlalchemy import func, select

import expo.services
from expo.actors import Actor, Role
from expo.badges.bulk import BulkBadgeRequest, make_badge_pdfs
from expo.badges.export import CodeExportRequest, export_codes
from expo.db import EventDatabase, open_event
from expo.demo import DemoOptions, build_demo
from expo.models import (
    Badge,
    BadgePrint,
    CheckIn,
    EventRecord,
    Factory,
    ImportBatch,
    Inquiry,
    Lead,
    LeadRating,
    Product,
    Station,
    StationKind,
    Visitor,
)
from expo.services import (
    audit,
    badges,
    booth_assignment,
    catalogue,
    catalogue_files,
    checkin,
    events,
    follow_up,
    hall_plans,
    lead_questions,
    leads,
    plan_dxf,
    plan_files,
    registry,
    salespeople,
    unbadged,
    users,
    visitor_edit,
    visitor_import,
)
from expo.services.catalogue import ProductDraft
from expo.services.leads import InquiryDraft, LeadUpdate
from expo.services.registry import NewVisitor
from expo.unit_of_work import UnitOfWork
from tests.actors import DESK, OFFICE
from tests.fair import SmallFair, build_small_fair

# The small fair's first factory (id 1 in the scenario's new database) at its booth.
BOOTH = Actor("Booth A-01", StationKind.BOOTH, user="wang.lei", role=Role.BOOTH, factory_id=1)


@dataclass
class World:
    """What the scenario has made so far, for later rows to act on."""

    db: EventDatabase
    folder: Path
    fair: SmallFair | None = None
    ids: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    service: str  # "module.function" of the write service called
    kinds: tuple[str, ...]  # the events it must leave, in order
    call: Callable[[World], object]  # opens its unit of work (or calls a self-opening task)
    actor: Actor = OFFICE


def _in_uow(actor: Actor, action: Callable[[UnitOfWork, World], object]):
    def call(world: World) -> object:
        with world.db.write(actor) as uow:
            return action(uow, world)

    return call


def _fair(world: World) -> SmallFair:
    assert world.fair is not None
    return world.fair


def _keep(world: World, name: str, value: Any) -> Any:
    world.ids[name] = value
    return value


def _import_file(world: World) -> Path:
    path = world.folder / "buyers.csv"
    path.write_text(
        "姓名,手机,公司\n"
        "陈静,13700137001,深圳一号店\n"
        "刘洋,+852 9123 4567,香港贸易行\n"
        "张伟,13800138000,义乌优选百货\n",  # already registered: merged or unchanged
        encoding="utf-8",
    )
    return path


def _catalogue_file(world: World) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["SKU", "产品名称", "类目", "起订量", "价格"])
    sheet.append(["CY-010", "户外折叠床", "camping", 50, "120-150"])
    sheet.append(["CY-001", "折叠露营椅 升级款", "camping", 200, "35-58.5"])
    path = world.folder / "catalogue.xlsx"
    book.save(path)
    return path


def _plan_csv(world: World) -> Path:
    path = world.folder / "plan.json"
    with world.db.session() as session:
        plan_files.export_plan(session, path)
    return path


def _dxf(world: World) -> Path:
    doc = ezdxf.new("R2010", units=6)  # metres
    doc.layers.add("BOOTHS")
    msp = doc.modelspace()
    for x in (0, 3):
        msp.add_lwpolyline(
            [(x, 0), (x + 3, 0), (x + 3, 3), (x, 3)], close=True, dxfattribs={"layer": "BOOTHS"}
        )
    path = world.folder / "hall-d.dxf"
    doc.saveas(path)
    return path


def _build_fair(world: World) -> None:
    world.fair = build_small_fair(world.db)
    assert world.fair.factory_a == BOOTH.factory_id


def _booth_id(world: World, name: str) -> int:
    return int(world.ids[name])


def _cases() -> list[Case]:
    def hall_id(world: World) -> int:
        return int(world.ids["hall"])

    return [
        Case(
            "events.create_event",
            ("event.created",),
            _in_uow(OFFICE, lambda uow, w: events.create_event(uow, "写入测试展会")),
        ),
        Case("tests.fair.build_small_fair", (), _build_fair),
        Case(
            "registry.add_visitor",
            ("visitor.registered",),
            _in_uow(
                DESK,
                lambda uow, w: _keep(
                    w,
                    "walk_in",
                    registry.add_visitor(
                        uow, NewVisitor("赵敏", phone="+44 20 7946 0958", company="伦敦贸易")
                    ).id,
                ),
            ),
            DESK,
        ),
        Case(
            "visitor_edit.update_visitor",
            ("visitor.edited",),
            _in_uow(
                DESK, lambda uow, w: visitor_edit.update_visitor(uow, w.ids["walk_in"], city="伦敦")
            ),
            DESK,
        ),
        Case(
            "visitor_import.run_import",
            ("import.completed",),
            lambda w: visitor_import.run_import(
                w.db, visitor_import.prepare_import(_import_file(w)), OFFICE
            ),
        ),
        Case(
            "visitor_import.import_visitors",
            ("import.completed",),
            _in_uow(
                OFFICE,
                lambda uow, w: visitor_import.import_visitors(
                    uow, visitor_import.prepare_import(_import_file(w))
                ),
            ),
        ),
        Case(
            "badges.issue_badge",
            ("badge.issued",),
            _in_uow(DESK, lambda uow, w: badges.issue_badge(uow, w.ids["walk_in"])),
            DESK,
        ),
        Case(
            "badges.code_for_visitor",
            (),  # the walk-in has a valid badge now: nothing to issue
            _in_uow(DESK, lambda uow, w: badges.code_for_visitor(uow, w.ids["walk_in"])),
            DESK,
        ),
        Case(
            "badges.revoke_badge",
            ("badge.revoked",),
            _in_uow(DESK, lambda uow, w: badges.revoke_badge(uow, w.ids["walk_in"])),
            DESK,
        ),
        Case(
            "badges.reissue_badge",
            ("badge.issued",),  # nothing valid to revoke after revoke_badge
            _in_uow(DESK, lambda uow, w: badges.reissue_badge(uow, w.ids["walk_in"])),
            DESK,
        ),
        Case(
            "badges.reissue_badge",
            ("badge.revoked", "badge.issued"),
            _in_uow(DESK, lambda uow, w: badges.reissue_badge(uow, w.ids["walk_in"])),
            DESK,
        ),
        Case(
            "badges.record_badge_print",
            ("badge.printed",),
            _in_uow(
                DESK,
                lambda uow, w: badges.record_badge_print(
                    uow, badges.issue_badge(uow, w.ids["walk_in"]).id
                ),
            ),
            DESK,
        ),
        Case(
            "badges.codes_for_visitors",
            ("badge.issued",),  # the imported visitors in one event
            _in_uow(
                OFFICE,
                lambda uow, w: badges.codes_for_visitors(
                    uow, list(uow.scalars(select(Visitor.id).order_by(Visitor.id)))
                ),
            ),
        ),
        Case(
            "badges.badge_cards",
            (),  # every visitor has a badge now
            _in_uow(OFFICE, lambda uow, w: badges.badge_cards(uow, [w.ids["walk_in"]])),
        ),
        Case(
            "badges.badge_card",
            (),
            _in_uow(OFFICE, lambda uow, w: badges.badge_card(uow, w.ids["walk_in"])),
        ),
        Case(
            "checkin.check_in",
            ("checkin.recorded",),
            _in_uow(DESK, lambda uow, w: checkin.check_in(uow, _fair(w).code_consenting)),
            DESK,
        ),
        Case(
            "checkin.check_in",
            ("checkin.refused",),  # a revoked badge is refused: only the refusal is logged
            _in_uow(DESK, lambda uow, w: checkin.check_in(uow, _fair(w).revoked_code)),
            DESK,
        ),
        Case(
            "checkin.check_in_visitor",
            ("checkin.recorded",),
            _in_uow(
                DESK,
                lambda uow, w: _keep(
                    w,
                    "check_in",
                    checkin.check_in_visitor(uow, w.ids["walk_in"]).check_in_id,
                ),
            ),
            DESK,
        ),
        Case(
            "checkin.undo_check_in",
            ("checkin.undone",),
            _in_uow(DESK, lambda uow, w: checkin.undo_check_in(uow, w.ids["check_in"])),
            DESK,
        ),
        Case(
            "checkin.undo_last_check_in",
            ("checkin.undone",),
            _in_uow(DESK, lambda uow, w: checkin.undo_last_check_in(uow)),
            DESK,
        ),
        Case(
            "leads.bind_booth_station",
            ("station.bound",),
            _in_uow(
                OFFICE,
                lambda uow, w: leads.bind_booth_station(uow, "Booth spare", _fair(w).factory_b),
            ),
        ),
        Case(
            "leads.booth_station",
            (),  # an existing binding: nothing changes
            _in_uow(
                OFFICE,
                lambda uow, w: leads.booth_station(uow, "Booth spare", _fair(w).factory_b),
            ),
        ),
        Case(
            "leads.record_inquiry",
            ("inquiry.recorded",),
            _in_uow(
                BOOTH,
                lambda uow, w: _keep(
                    w,
                    "lead",
                    leads.record_inquiry(
                        uow,
                        _fair(w).factory_a,
                        _fair(w).code_private,
                        InquiryDraft(
                            skus=("CY-002",),
                            quantity=500,
                            target_price=Decimal("79.90"),
                            notes="要彩盒包装",
                        ),
                    ).lead_id,
                ),
            ),
            BOOTH,
        ),
        Case(
            "leads.update_lead",
            ("lead.updated",),
            _in_uow(
                BOOTH,
                lambda uow, w: leads.update_lead(
                    uow,
                    w.ids["lead"],
                    _fair(w).factory_a,
                    LeadUpdate(rating=LeadRating.HOT, follow_up_on=dt.date(2026, 12, 21)),
                ),
            ),
            BOOTH,
        ),
        Case(
            "lead_questions.add_question",
            ("lead.question_added",),
            _in_uow(
                BOOTH,
                lambda uow, w: _keep(
                    w,
                    "question",
                    lead_questions.add_question(
                        uow,
                        _fair(w).factory_a,
                        "月采购量 Monthly volume",
                        "one",
                        ["<1000", "1000+"],
                    ).id,
                ),
            ),
            BOOTH,
        ),
        Case(
            "lead_questions.remove_question",
            ("lead.question_removed",),
            _in_uow(
                BOOTH,
                lambda uow, w: lead_questions.remove_question(
                    uow, _fair(w).factory_a, w.ids["question"]
                ),
            ),
            BOOTH,
        ),
        Case(
            "salespeople.set_station_salespeople",
            ("station.salespeople_set",),
            _in_uow(
                BOOTH,
                lambda uow, w: salespeople.set_station_salespeople(
                    uow, uow.station(), ["小王", "小李"]
                ),
            ),
            BOOTH,
        ),
        Case(
            "follow_up.save_template",
            ("followup.template_saved",),
            _in_uow(
                BOOTH,
                lambda uow, w: follow_up.save_template(
                    uow, _fair(w).factory_a, "微信跟进", "wechat", "{name} 您好"
                ),
            ),
            BOOTH,
        ),
        Case(
            "follow_up.remove_template",
            ("followup.template_removed",),
            _in_uow(
                BOOTH,
                lambda uow, w: follow_up.remove_template(uow, _fair(w).factory_a, "微信跟进"),
            ),
            BOOTH,
        ),
        Case(
            "leads.record_consent",
            ("lead.consented",),
            _in_uow(
                BOOTH,
                lambda uow, w: leads.record_consent(
                    uow, _fair(w).factory_a, w.ids["lead"], uow.station()
                ),
            ),
            BOOTH,
        ),
        Case(
            "unbadged.record_unbadged_inquiry",
            ("visitor.registered", "inquiry.recorded"),
            _in_uow(
                BOOTH,
                lambda uow, w: unbadged.record_unbadged_inquiry(
                    uow,
                    _fair(w).factory_a,
                    unbadged.UnbadgedBuyer("陈花店", "13912345678", "陈记花店"),
                    InquiryDraft(
                        skus=("CY-002",),
                        quantity=500,
                        target_price=Decimal("79.90"),
                        notes="要彩盒包装",
                    ),
                    uow.station(),
                ),
            ),
            BOOTH,
        ),
        Case(
            "catalogue.save_catalogue",
            ("catalogue.saved",),
            _in_uow(
                OFFICE,
                lambda uow, w: catalogue.save_catalogue(
                    uow,
                    _fair(w).factory_b,
                    [(None, ProductDraft("PT-03", "宠物饮水机", "pets", 100, Decimal("30.00")))],
                ),
            ),
        ),
        Case(
            "catalogue_files.import_catalogue",
            ("catalogue.imported",),
            _in_uow(
                OFFICE,
                lambda uow, w: catalogue_files.import_catalogue(
                    uow, _fair(w).factory_a, _catalogue_file(w)
                ),
            ),
        ),
        Case(
            "hall_plans.create_hall",
            ("hall.created",),
            _in_uow(
                OFFICE,
                lambda uow, w: _keep(w, "hall", hall_plans.create_hall(uow, "A", None, 60, 30).id),
            ),
        ),
        Case(
            "hall_plans.update_hall",
            ("hall.edited",),
            _in_uow(
                OFFICE,
                lambda uow, w: hall_plans.update_hall(uow, w.ids["hall"], entrances=[[30, 30]]),
            ),
        ),
        Case(
            "hall_plans.add_booth",
            ("booth.created",),
            _in_uow(
                OFFICE,
                lambda uow, w: _keep(
                    w, "booth", hall_plans.add_booth(uow, w.ids["hall"], 3, 3, 3, 3).id
                ),
            ),
        ),
        Case(
            "hall_plans.add_booth_row",
            ("booth.created",),
            _in_uow(
                OFFICE,
                lambda uow, w: _keep(
                    w,
                    "row",
                    [b.id for b in hall_plans.add_booth_row(uow, w.ids["hall"], 3, 12, 4, 3, 3)],
                ),
            ),
        ),
        Case(
            "hall_plans.move_booth",
            ("booth.edited",),
            _in_uow(OFFICE, lambda uow, w: hall_plans.move_booth(uow, w.ids["booth"], 3, 6)),
        ),
        Case(
            "hall_plans.resize_booth",
            ("booth.edited",),
            _in_uow(OFFICE, lambda uow, w: hall_plans.resize_booth(uow, w.ids["booth"], 6, 3)),
        ),
        Case(
            "hall_plans.set_booth_rect",
            ("booth.edited",),
            _in_uow(
                OFFICE, lambda uow, w: hall_plans.set_booth_rect(uow, w.ids["booth"], 3, 3, 6, 3)
            ),
        ),
        Case(
            "hall_plans.update_booth",
            ("booth.locked",),
            _in_uow(
                OFFICE, lambda uow, w: hall_plans.update_booth(uow, w.ids["booth"], locked=True)
            ),
        ),
        Case(
            "hall_plans.update_booth",
            ("booth.unlocked",),
            _in_uow(
                OFFICE, lambda uow, w: hall_plans.update_booth(uow, w.ids["booth"], locked=False)
            ),
        ),
        Case(
            "hall_plans.update_booth",
            ("booth.edited",),
            _in_uow(
                OFFICE, lambda uow, w: hall_plans.update_booth(uow, w.ids["booth"], notes="近柱子")
            ),
        ),
        Case(
            "hall_plans.split_booth",
            ("booth.split",),
            _in_uow(
                OFFICE,
                lambda uow, w: _keep(
                    w, "parts", [b.id for b in hall_plans.split_booth(uow, w.ids["booth"], 2)]
                ),
            ),
        ),
        Case(
            "hall_plans.merge_booths",
            ("booth.merged",),
            _in_uow(OFFICE, lambda uow, w: hall_plans.merge_booths(uow, w.ids["parts"])),
        ),
        Case(
            "hall_plans.refresh_prominence",
            ("booth.prominence_derived",),
            _in_uow(OFFICE, lambda uow, w: hall_plans.refresh_prominence(uow, w.ids["hall"])),
        ),
        Case(
            "hall_plans.restore_hall_snapshot",
            ("booth.plan_restored",),
            _in_uow(
                OFFICE,
                lambda uow, w: hall_plans.restore_hall_snapshot(
                    uow, hall_plans.hall_snapshot(uow, w.ids["hall"])
                ),
            ),
        ),
        Case(
            "hall_plans.delete_booth",
            ("booth.removed",),
            _in_uow(OFFICE, lambda uow, w: hall_plans.delete_booth(uow, w.ids["row"][-1])),
        ),
        Case(
            "booth_assignment.assign_by_hand",
            ("booth.assigned",),
            _in_uow(
                OFFICE,
                lambda uow, w: booth_assignment.assign_by_hand(
                    uow, _fair(w).factory_a, [w.ids["booth"]]
                ),
            ),
        ),
        Case(
            "booth_assignment.unassign_booth",
            ("booth.unassigned",),
            _in_uow(OFFICE, lambda uow, w: booth_assignment.unassign_booth(uow, w.ids["booth"])),
        ),
        Case(
            "booth_assignment.exclude_factory",
            ("booth.factory_excluded",),
            _in_uow(
                OFFICE,
                lambda uow, w: booth_assignment.exclude_factory(
                    uow, _fair(w).factory_b, w.ids["row"][0], "竞争对手"
                ),
            ),
        ),
        Case(
            "booth_assignment.allow_factory",
            ("booth.factory_allowed",),
            _in_uow(
                OFFICE,
                lambda uow, w: booth_assignment.allow_factory(
                    uow, _fair(w).factory_b, w.ids["row"][0]
                ),
            ),
        ),
        Case(
            "booth_assignment.assign_booths",
            ("booth.assignment_saved",),
            _in_uow(
                OFFICE,
                lambda uow, w: booth_assignment.assign_booths(
                    uow, booth_assignment.AssignOptions(time_limit=1)
                ),
            ),
        ),
        Case(
            "booth_assignment.run_assignment",
            ("booth.assignment_saved",),
            lambda w: booth_assignment.run_assignment(
                w.db, OFFICE, booth_assignment.AssignOptions(time_limit=1)
            ),
        ),
        Case(
            "plan_files.import_plan",
            ("booth.plan_imported",),
            _in_uow(OFFICE, lambda uow, w: plan_files.import_plan(uow, _plan_csv(w))),
        ),
        Case(
            "plan_dxf.import_plan_dxf",
            ("booth.plan_imported",),
            _in_uow(OFFICE, lambda uow, w: plan_dxf.import_plan_dxf(uow, _dxf(w), "D")),
        ),
        Case(
            "bulk.make_badge_pdfs",
            ("badge.issued",),  # the buyer typed in at a booth has no badge yet: issued for it
            lambda w: make_badge_pdfs(
                w.db,
                BulkBadgeRequest(w.folder / "badges.pdf"),
                actor=OFFICE,
            ),
        ),
        Case(
            "export.export_codes",
            (),
            lambda w: export_codes(
                w.db,
                CodeExportRequest(w.folder / "codes", png=False),
                actor=OFFICE,
            ),
        ),
        Case(
            "audit.record_export",
            ("export.visitors",),
            _in_uow(
                OFFICE,
                lambda uow, w: audit.record_export(uow, "visitors", 12, w.folder / "v.xlsx"),
            ),
        ),
        Case(
            "users.add_user",
            ("user.added",),
            _in_uow(OFFICE, lambda uow, w: users.add_user(uow, "zhou.li", "organiser", "2468")),
        ),
        Case(
            "users.sign_in",
            ("user.sign_in_failed",),  # a wrong PIN: the failed try is saved and logged
            _in_uow(
                OFFICE,
                lambda uow, w: users.sign_in(uow, "zhou.li", "0000", "Office", StationKind.OFFICE),
            ),
        ),
        Case(
            "users.sign_in",
            ("user.signed_in",),
            _in_uow(
                OFFICE,
                lambda uow, w: users.sign_in(uow, "zhou.li", "2468", "Office", StationKind.OFFICE),
            ),
        ),
        Case(
            "users.add_user",
            ("user.added",),
            _in_uow(OFFICE, lambda uow, w: users.add_user(uow, "ma.yun", "desk", "1357")),
        ),
        Case(
            "users.disable_user",
            ("user.disabled",),
            _in_uow(OFFICE, lambda uow, w: users.disable_user(uow, "ma.yun")),
        ),
    ]


CASES = _cases()
# Self-opening tasks and helpers that take a unit of work but are not a domain action.
# Building blocks that record for their callers: saving or importing a catalogue, logging an
# inquiry (badge scanned or typed in by hand), registering a visitor (walk-in or booth).
NOT_ACTIONS = {"catalogue.record_products", "leads.record_for_lead", "registry.register_visitor"}


@dataclass
class Run:
    case: Case
    events: list[EventRecord]


@dataclass
class Scenario:
    db: EventDatabase
    runs: list[Run]


def _new_events(db: EventDatabase, after: int) -> list[EventRecord]:
    with db.session() as session:
        return list(
            session.scalars(
                select(EventRecord).where(EventRecord.id > after).order_by(EventRecord.id)
            )
        )


def _last_id(db: EventDatabase) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.max(EventRecord.id))) or 0)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    folder = tmp_path_factory.mktemp("write-services")
    db = open_event(folder / "event.sqlite", create=True)
    world = World(db, folder)
    results: list[Run] = []
    try:
        for case in CASES:
            before = _last_id(db)
            case.call(world)
            results.append(Run(case, _new_events(db, before)))
        yield Scenario(db, results)
    finally:
        db.dispose()
        shutil.rmtree(folder, ignore_errors=True)


def test_every_write_service_leaves_exactly_its_events(scenario: Scenario) -> None:
    runs = scenario.runs
    wrong = [
        f"{run.case.service}: expected {run.case.kinds}, got {tuple(e.kind for e in run.events)}"
        for run in runs
        if not run.case.service.startswith("tests.")
        and tuple(e.kind for e in run.events) != run.case.kinds
    ]
    assert wrong == []
    for run in runs:
        for event in run.events:
            actor = run.case.actor
            assert (event.station, event.user, event.role) == (
                actor.station,
                actor.user,
                str(actor.role) if actor.role else None,
            ), run.case.service


def _write_services() -> set[str]:
    """Every public function of expo.services (and the bulk badge tasks) that writes: it takes
    a UnitOfWork first, or a database and an actor."""
    found: set[str] = set()
    modules = [
        importlib.import_module(f"expo.services.{info.name}")
        for info in pkgutil.iter_modules(expo.services.__path__)
    ]
    modules += [importlib.import_module(m) for m in ("expo.badges.bulk", "expo.badges.export")]
    for module in modules:
        short = module.__name__.rsplit(".", 1)[-1]
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            parameters = list(inspect.signature(function).parameters.values())
            annotations = [str(p.annotation) for p in parameters]
            takes_uow = bool(annotations) and annotations[0] == "UnitOfWork"
            self_opening = bool(annotations) and annotations[0] == "EventDatabase"
            if takes_uow or (self_opening and any("Actor" in a for a in annotations)):
                found.add(f"{short}.{name}")
    return found - NOT_ACTIONS


def test_the_table_calls_every_write_service() -> None:
    called = {case.service for case in CASES}
    services = _write_services()
    assert len(services) > 40  # the scan found the services, not nothing
    assert services - called == set()


# What each kind carries: data fields a replay needs, and which subjects must exist as rows.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "event.created": ("name", "categories"),
    "visitor.registered": ("visitor_uuid", "name", "phone", "visitor_type", "source"),
    "visitor.edited": ("visitor", "changes"),
    "import.completed": ("batch_uuid", "file_name", "created", "merged", "unchanged", "rejected"),
    "badge.issued": ("badge_uuid", "visitor_uuid", "serial"),
    "badge.revoked": ("badge_uuid", "visitor_uuid", "serial", "at"),
    "badge.printed": ("print_uuid", "badge_uuid", "visitor_uuid", "reprint", "layout", "at"),
    "checkin.recorded": ("check_in_uuid", "visitor_uuid", "badge_uuid", "kind", "at"),
    "checkin.undone": ("check_in_uuid", "visitor_uuid", "at"),
    "station.bound": ("station", "factory_uuid"),
    "inquiry.recorded": (
        "inquiry_uuid",
        "lead_uuid",
        "factory",
        "visitor_uuid",
        "skus",
        "quantity",
        "target_price",
        "note",
    ),
    "lead.updated": ("lead_uuid", "changes"),
    "catalogue.saved": ("factory_uuid", "products", "deleted"),
    "catalogue.imported": ("factory_uuid", "file_name", "products", "created", "updated"),
    "hall.created": ("hall", "width_m", "depth_m"),
    "hall.edited": ("hall", "changes"),
    "booth.created": ("booths",),
    "booth.edited": ("booth", "code", "changes"),
    "booth.locked": ("booth", "changes"),
    "booth.unlocked": ("booth", "changes"),
    "booth.split": ("booths", "original"),
    "booth.merged": ("booths", "originals"),
    "booth.prominence_derived": ("hall", "booths"),
    "booth.plan_restored": ("hall", "booths"),
    "booth.removed": ("booths",),
    "booth.assigned": ("factory_uuid", "booths"),
    "booth.unassigned": ("factory_uuid", "booths"),
    "booth.factory_excluded": ("factory_uuid", "booth", "reason"),
    "booth.factory_allowed": ("factory_uuid", "booth"),
    "booth.assignment_saved": ("placements", "assigned"),
    "booth.plan_imported": ("file_name", "booths_created", "booths"),
    "export.visitors": ("rows", "file"),
    "user.added": ("name", "role"),
    "user.disabled": ("name",),
    "user.signed_in": ("name",),
    "user.sign_in_failed": ("name", "tries"),
}
# The row each "<name>_uuid" field names, so the test can look it up.
UUID_FIELDS = {
    "visitor_uuid": Visitor,
    "badge_uuid": Badge,
    "print_uuid": BadgePrint,
    "check_in_uuid": CheckIn,
    "inquiry_uuid": Inquiry,
    "lead_uuid": Lead,
    "factory_uuid": Factory,
    "batch_uuid": ImportBatch,
}


@pytest.mark.parametrize("kind", sorted(KIND_FIELDS))
def test_each_event_kind_carries_what_a_replay_needs(scenario: Scenario, kind: str) -> None:
    events = [e for run in scenario.runs for e in run.events if e.kind == kind]
    assert events, f"the scenario left no {kind}"
    with scenario.db.session() as session:
        for event in events:
            wanted = KIND_FIELDS[kind]
            if kind == "badge.issued" and "count" in event.data:  # bulk: one event for all
                wanted = ("count", "badges")
                assert len(event.data["badges"]) == event.data["count"]
                for badge_uuid, visitor_uuid, serial in event.data["badges"]:
                    assert (
                        session.scalar(
                            select(Badge.serial)
                            .join(Visitor, Visitor.id == Badge.visitor_id)
                            .where(
                                Badge.uuid == uuid.UUID(badge_uuid),
                                Visitor.uuid == uuid.UUID(visitor_uuid),
                            )
                        )
                        == serial
                    )
            missing = [f for f in wanted if f not in event.data]
            assert missing == [], f"{kind} lacks {missing}: {event.data}"
            assert [str(uuid.UUID(s)) for s in event.subjects] == event.subjects
            for name, value in event.data.items():
                if name not in UUID_FIELDS or value is None:
                    continue
                assert value in event.subjects, f"{kind}.{name} is not among its subjects"
                model = UUID_FIELDS[name]
                row = session.scalar(select(model.id).where(model.uuid == uuid.UUID(value)))
                assert row is not None, f"{kind}.{name} names no {model.__name__}"


def test_event_data_is_the_business_data(scenario: Scenario) -> None:
    by_kind: dict[str, EventRecord] = {}  # the first event of each kind
    for run in scenario.runs:
        for e in run.events:
            by_kind.setdefault(e.kind, e)
    assert by_kind["checkin.recorded"].data["kind"] in ("entry", "re_entry")
    inquiry = by_kind["inquiry.recorded"].data
    assert (inquiry["target_price"], inquiry["skus"], inquiry["quantity"], inquiry["note"]) == (
        "79.90",
        ["CY-002"],
        500,
        "要彩盒包装",
    )
    assert by_kind["visitor.registered"].data["phone"] == "+442079460958"
    assert by_kind["lead.updated"].data["changes"] == [
        {"field": "rating", "old": None, "new": "hot"},
        {"field": "follow_up_on", "old": None, "new": "2026-12-21"},
    ]
    imported = next(
        run.events[0] for run in scenario.runs if run.case.service == "visitor_import.run_import"
    )
    assert (imported.data["created"], imported.data["merged"] + imported.data["unchanged"]) == (
        2,
        1,
    )


def test_a_demo_build_is_two_events(tmp_path: Path) -> None:
    db = open_event(tmp_path / "demo.sqlite", create=True)
    try:
        build_demo(db, DemoOptions(visitors=300, factories=20, seed=7), actor=OFFICE)
        with db.session() as session:
            kinds = list(session.scalars(select(EventRecord.kind).order_by(EventRecord.id)))
            demo = session.scalars(
                select(EventRecord).where(EventRecord.kind == "demo.built")
            ).one()
            visitors = session.scalar(select(func.count()).select_from(Visitor))
            products = session.scalar(select(func.count()).select_from(Product))
            station = session.scalar(select(Station.name))
        assert kinds == ["event.created", "demo.built"]
        assert (demo.data["visitors"], demo.data["factories"], demo.data["products"]) == (
            visitors,
            20,
            products,
        )
        assert (demo.station, station) == (OFFICE.station, None)
    finally:
        db.dispose()
