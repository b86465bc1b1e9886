"""Badge services: resolving scans, issuing, revoking and reissuing, logging prints."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from expo.errors import ExpoError
from expo.models import Badge, BadgePrint, VisitorType
from expo.services.badges import (
    BadgeLookup,
    BadgeSelection,
    BadgeSort,
    BadgeStatus,
    FoundBy,
    badge_cards,
    code_for_visitor,
    codes_for_visitors,
    record_badge_print,
    reissue_badge,
    resolve_badge,
    revoke_badge,
    select_visitor_ids,
)
from expo.services.events import badge_secret, ensure_station
from tests.actors import OFFICE
from tests.people import add_visitor


def test_code_for_visitor_issues_once_and_resolves_to_the_visitor(empty_db) -> None:
    with empty_db.write(OFFICE) as session:
        visitor_id = add_visitor(session)
        code = code_for_visitor(session, visitor_id)
        assert code_for_visitor(session, visitor_id) == code
        assert session.scalar(select(func.count()).select_from(Badge)) == 1
        lookup = resolve_badge(session, code)
    assert lookup == BadgeLookup(BadgeStatus.OK, visitor_id, lookup.badge_id, FoundBy.CODE)
    assert lookup.badge_id is not None


def test_tampered_payloads_are_invalid_without_any_lookup(empty_db) -> None:
    with empty_db.write(OFFICE) as session:
        visitor_id = add_visitor(session)
        code = code_for_visitor(session, visitor_id)
        badge_secret(session)  # warm: the only query a refused code may make
        statements: list[str] = []

        from sqlalchemy import event

        def record(_conn, _cursor, statement, *_args):  # noqa: ANN001
            statements.append(statement)

        event.listen(empty_db.engine, "before_cursor_execute", record)
        try:
            prefix, visitor, serial, mac = code.split(".")
            forged_mac = ("A" if mac[0] != "A" else "B") + mac[1:]
            for payload in (
                f"{prefix}.{visitor}.{serial}.{forged_mac}",  # forged
                f"{prefix}.{visitor}.C.{mac}",  # edited serial
                code[:-3],  # truncated
                "EXPO",  # truncated to the prefix
                "",  # empty
                "   \t",  # only whitespace
            ):
                assert resolve_badge(session, payload).status is BadgeStatus.INVALID, payload
        finally:
            event.remove(empty_db.engine, "before_cursor_execute", record)
    assert not any("visitor" in s.lower() or "FROM badge" in s for s in statements), statements


def test_a_genuine_code_that_was_never_issued_here_is_unknown(empty_db) -> None:
    from expo.badges.codes import make_code

    with empty_db.write(OFFICE) as session:
        code = make_code(badge_secret(session), 999, 1)
        assert resolve_badge(session, code).status is BadgeStatus.UNKNOWN


def test_the_registration_number_is_accepted_by_lookup(empty_db) -> None:
    with empty_db.write(OFFICE) as session:
        visitor_id = add_visitor(session, registration_no="FD260000042")
        by_number = resolve_badge(session, "FD260000042")
        assert by_number.status is BadgeStatus.OK
        assert by_number.visitor_id == visitor_id
        assert by_number.found_by is FoundBy.REGISTRATION_NO
        assert by_number.badge_id is None  # no badge issued yet
        assert resolve_badge(session, "fd260000042").visitor_id == visitor_id
        full_width = "".join(chr(ord(char) + 0xFEE0) for char in "FD260000042")
        assert resolve_badge(session, full_width).visitor_id == visitor_id
        assert resolve_badge(session, "FD260000043").status is BadgeStatus.UNKNOWN
        assert resolve_badge(session, "a b").status is BadgeStatus.INVALID


def test_revoke_and_reissue_stop_the_old_code(empty_db) -> None:
    with empty_db.write(OFFICE) as session:
        visitor_id = add_visitor(session)
        old = code_for_visitor(session, visitor_id)
        new = reissue_badge(session, visitor_id)
        assert new.serial == 2 and new.code != old
        assert resolve_badge(session, old).status is BadgeStatus.REVOKED
        assert resolve_badge(session, new.code).status is BadgeStatus.OK
        assert code_for_visitor(session, visitor_id) == new.code
        revoked = revoke_badge(session, visitor_id)
        assert revoked.code == new.code and revoked.revoked_at is not None
        assert resolve_badge(session, new.code).status is BadgeStatus.REVOKED
        with pytest.raises(ExpoError, match="no valid badge"):
            revoke_badge(session, visitor_id)
        third = code_for_visitor(session, visitor_id)  # a new one on demand
        assert third not in (old, new.code)
        assert resolve_badge(session, third).status is BadgeStatus.OK


def test_unknown_visitors_are_refused_with_a_message(empty_db) -> None:
    with empty_db.write(OFFICE) as session:
        with pytest.raises(ExpoError, match="No visitor with id 77"):
            code_for_visitor(session, 77)
        with pytest.raises(ExpoError, match="No visitor with id 77"):
            reissue_badge(session, 77)


def test_prints_and_reprints_are_logged_and_counted(empty_db) -> None:
    with empty_db.write(OFFICE) as session:
        station = ensure_station(session, "Desk 1")
        visitor_id = add_visitor(session)
        code_for_visitor(session, visitor_id)
        badge_id = resolve_badge(session, code_for_visitor(session, visitor_id)).badge_id
        first = record_badge_print(session, badge_id, station, layout="label")
        second = record_badge_print(session, badge_id, station, layout="label")
        third = record_badge_print(session, badge_id, layout="a6")  # as the acting station
        assert (first.reprint, second.reprint, third.reprint) == (False, True, True)
        assert third.reprint_count == 2
        badge = session.get(Badge, badge_id)
        assert badge.printed_at is not None and badge.reprint_count == 2
        log = session.execute(
            select(BadgePrint.reprint, BadgePrint.station_id, BadgePrint.layout).order_by(
                BadgePrint.id
            )
        ).all()
        assert log == [
            (False, station.id, "label"),
            (True, station.id, "label"),
            (True, session.station().id, "a6"),
        ]


def test_bulk_codes_issue_missing_badges_and_keep_existing_ones(empty_db) -> None:
    with empty_db.write(OFFICE) as session:
        ids = [add_visitor(session, name=f"访客{i}") for i in range(1200)]
        kept = code_for_visitor(session, ids[5])
        codes = codes_for_visitors(session, ids)
        assert codes[ids[5]][1] == kept
        assert len({code for _, code in codes.values()}) == 1200
        assert all(
            resolve_badge(session, code).visitor_id == vid for vid, (_, code) in codes.items()
        )
        assert codes_for_visitors(session, ids) == codes  # nothing issued twice


def test_selection_filters_and_sorts(empty_db) -> None:
    with empty_db.write(OFFICE) as session:
        zhao = add_visitor(session, "赵六", "B公司", VisitorType.LIVESTREAMER)
        an = add_visitor(session, "安琪", "C公司", VisitorType.LIVESTREAMER)
        li = add_visitor(session, "李四", "A公司", VisitorType.WHOLESALER)
        wang = add_visitor(session, "王五", None, VisitorType.LIVESTREAMER)
        assert select_visitor_ids(session, BadgeSelection()) == [an, li, wang, zhao]
        assert select_visitor_ids(
            session, BadgeSelection(visitor_type=VisitorType.LIVESTREAMER)
        ) == [an, wang, zhao]
        assert select_visitor_ids(session, BadgeSelection(sort=BadgeSort.COMPANY)) == [
            li,
            zhao,
            an,
            wang,  # no company: last
        ]
        assert select_visitor_ids(session, BadgeSelection(visitor_ids=(wang, li))) == [wang, li]
        with pytest.raises(ExpoError, match="No visitor with id 999"):
            select_visitor_ids(session, BadgeSelection(visitor_ids=(wang, 999)))
        cards = badge_cards(session, [li, an])
        assert [card.name for card in cards] == ["李四", "安琪"]
        assert all(resolve_badge(session, c.code).visitor_id == c.visitor_id for c in cards)
