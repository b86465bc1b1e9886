"""Three desks in three processes scan the same badges and registration numbers at once.

On SQLite and on PostgreSQL: every visitor gets exactly one "ok" (the others "already"), no
scan raises, every visitor ends with one standing first entry and one valid badge.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter

import pytest
from sqlalchemy import func, select

from expo.db import EventDatabase
from expo.models import Badge, CheckIn, CheckInKind
from expo.services.badges import codes_for_visitors
from tests.actors import OFFICE
from tests.people import add_visitor
from tests.racing_desks import scan_all

DESKS = 3
WITH_BADGES = 220  # scanned by their badge code
WITHOUT_BADGES = 80  # typed registration numbers, confirmed: the badge is issued at the desk


def _fair(db: EventDatabase) -> tuple[list[str], set[int]]:
    with db.write(OFFICE) as session:
        coded = [
            add_visitor(session, f"访客{i}", registration_no=f"FD26{i:07d}")
            for i in range(WITH_BADGES)
        ]
        numbered = [
            add_visitor(session, f"散客{i}", registration_no=f"FD27{i:07d}")
            for i in range(WITHOUT_BADGES)
        ]
        codes = codes_for_visitors(session, coded)
    payloads = [codes[visitor_id][1] for visitor_id in coded]
    payloads += [f"FD27{i:07d}" for i in range(WITHOUT_BADGES)]
    return payloads, set(coded) | set(numbered)


def _race(db: EventDatabase, payloads: list[str]) -> list[tuple]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Manager().Barrier(DESKS)
    with context.Pool(DESKS) as pool:
        runs = [
            pool.apply_async(
                scan_all, (db.url.render_as_string(False), f"Desk {n}", payloads, barrier)
            )
            for n in range(DESKS)
        ]
        return [answer for run in runs for answer in run.get(timeout=600)]


def _check(db: EventDatabase, answers: list[tuple], visitors: set[int], scans: int) -> None:
    problems = [answer for answer in answers if answer[1] not in ("ok", "already")]
    assert problems == [], problems[:5]
    assert len(answers) == scans * DESKS
    oks = Counter(visitor for _, status, visitor in answers if status == "ok")
    assert set(oks) == visitors and set(oks.values()) == {1}, oks.most_common(3)
    with db.session() as session:
        entries = session.execute(
            select(CheckIn.visitor_id, func.count())
            .where(CheckIn.kind == CheckInKind.ENTRY, CheckIn.undone_at.is_(None))
            .group_by(CheckIn.visitor_id)
        ).all()
        assert {visitor for visitor, _ in entries} == visitors
        assert {count for _, count in entries} == {1}
        assert session.scalar(select(func.count()).select_from(CheckIn)) == scans * DESKS
        badges = session.execute(
            select(Badge.visitor_id, func.count())
            .where(Badge.revoked_at.is_(None))
            .group_by(Badge.visitor_id)
        ).all()
        assert {visitor for visitor, _ in badges} == visitors
        assert {count for _, count in badges} == {1}
        assert session.scalar(select(func.count()).select_from(Badge)) == len(visitors)


def test_three_desks_racing_on_sqlite_admit_each_visitor_once(empty_db: EventDatabase) -> None:
    payloads, visitors = _fair(empty_db)
    answers = _race(empty_db, payloads)
    _check(empty_db, answers, visitors, len(payloads))


@pytest.mark.postgres
def test_three_desks_racing_on_postgresql_admit_each_visitor_once(pg_db: EventDatabase) -> None:
    payloads, visitors = _fair(pg_db)
    answers = _race(pg_db, payloads)
    _check(pg_db, answers, visitors, len(payloads))
