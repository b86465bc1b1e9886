"""The live figures on a hand-made day equal the counts made by hand (tests/report_fair.py)."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from expo.models import RefusedScan, Station, VisitorType
from expo.services.reports.drill import DrillKind, DrillTarget, rows_behind
from expo.services.reports.figures import dashboard_figures
from expo.services.reports.window import day_window, fair_days, report_window
from tests.report_fair import DAY, EVE, EXPECTED, ZONE, local


def _figures(db, day=DAY, reference=None):  # noqa: ANN001, ANN202
    with db.session() as session:
        return dashboard_figures(
            session, day_window(ZONE, day), reference=reference or local(DAY, "09:20:00")
        )


def test_arrivals_of_the_day_are_counted_as_by_hand(report_db, report_fair) -> None:
    figures = _figures(report_db)
    arrivals = dataclasses.asdict(figures.arrivals)
    assert {key: arrivals[key] for key in arrivals} == {
        key: value for key, value in EXPECTED.items() if key in arrivals
    }
    assert figures.refused == EXPECTED["refused"]


def test_a_check_in_at_local_midnight_belongs_to_the_new_day(report_db, report_fair) -> None:
    # C came at 00:00:00 local on DAY (16:00 UTC the day before); B at 23:59:30 on the eve.
    eve = _figures(report_db, EVE)
    assert eve.arrivals.first_entries == 1  # B only
    assert eve.arrivals_per_bucket == {95: (1, 0)}  # 23:45-24:00 local
    day = _figures(report_db)
    assert day.arrivals_per_bucket[0] == (1, 0)  # C in 00:00-00:15
    rows = _rows(report_db, DrillKind.ARRIVALS_BUCKET, "0")
    assert [row[1] for row in rows.rows] == ["陈晨"]
    assert rows.rows[0][0] == "12-18 00:00:00"
    with report_db.session() as session:
        assert fair_days(session) == [EVE, DAY]


def test_arrivals_per_quarter_hour_and_per_desk(report_db, report_fair) -> None:
    figures = _figures(report_db)
    # 09:00-09:15: A, H, I first entries and B again; 09:15-09:30: E (F was undone); 14:00: A.
    assert figures.arrivals_per_bucket == {0: (1, 0), 36: (3, 1), 37: (1, 0), 56: (0, 1)}
    assert figures.bucket_label(37) == "09:15"
    desks = {desk.station: desk for desk in figures.desks}
    assert set(desks) == {"Desk 1", "Desk 2", "Desk 3"}
    assert (desks["Desk 1"].scans, desks["Desk 1"].refused) == (4, 1)
    assert (desks["Desk 2"].scans, desks["Desk 2"].refused) == (3, 1)
    assert (desks["Desk 3"].scans, desks["Desk 3"].refused) == (0, 1)
    assert desks["Desk 1"].per_bucket == {36: 4}
    # Gaps at Desk 1 in the hour before 09:20: 300 s (idle, left out), 60 s, 40 s.
    assert desks["Desk 1"].median_gap_s == 50
    assert desks["Desk 1"].service_per_min == pytest.approx(1.2)
    # The last complete quarter hour before 09:20 is 09:00-09:15: four scans.
    assert desks["Desk 1"].arrivals_per_min == pytest.approx(4 / 15)
    assert desks["Desk 1"].utilisation == pytest.approx((4 / 15) / 1.2)
    assert desks["Desk 1"].advice.endswith("ok")
    # No scan at Desk 2 less than two minutes after another: no service rate to judge by.
    assert desks["Desk 2"].median_gap_s is None and desks["Desk 2"].utilisation is None


def test_a_desk_serving_flat_out_is_told_to_get_staff(report_db, report_fair) -> None:
    figures = _figures(report_db, reference=local(DAY, "09:20:00"))
    desk = next(desk for desk in figures.desks if desk.station == "Desk 1")
    busy = dataclasses.replace(desk, arrivals_per_min=1.1, utilisation=1.1 / 1.2)
    assert busy.advice.endswith("needs staff")


def test_refused_scans_are_stored_by_desk_name_without_a_station_row(
    report_db, report_fair
) -> None:
    with report_db.session() as session:
        rows = session.execute(
            select(RefusedScan.station_name, RefusedScan.reason, RefusedScan.payload).order_by(
                RefusedScan.at
            )
        ).all()
        stations = set(session.scalars(select(Station.name)))
    assert [(r[0], r[1]) for r in rows] == [
        ("Desk 3", "invalid"),
        ("Desk 1", "unknown"),
        ("Desk 2", "revoked"),
    ]
    assert rows[0][2] == "EXPO1.notabadge"  # cleaned as the scanner path cleans it
    assert "Desk 3" not in stations
    with report_db.session() as session:
        revoked = session.scalar(
            select(RefusedScan.visitor_id).where(RefusedScan.reason == "revoked")
        )
    assert revoked == report_fair.fair.lost_badge


def test_visitor_type_mix_of_arrivals_against_registrations(report_db, report_fair) -> None:
    mix = {m.visitor_type: (m.registered, m.arrived) for m in _figures(report_db).types}
    # Pre-registered: A F taobao; B C 张伟 livestreamer; D 李娜 small shop; 王芳 other; H; I.
    assert mix[VisitorType.TAOBAO] == (2, 1)
    assert mix[VisitorType.LIVESTREAMER] == (3, 2)
    assert mix[VisitorType.SMALL_SHOP] == (2, 0)
    assert mix[VisitorType.OTHER] == (1, 1)  # 王芳 registered; E (walk-in) arrived
    assert mix[VisitorType.WHOLESALER] == (1, 1)
    assert mix[VisitorType.CROSS_BORDER] == (1, 1)


def test_inquiry_figures(report_db, report_fair) -> None:
    inquiries = _figures(report_db).inquiries
    fair = report_fair.fair
    assert inquiries.total == 3
    assert inquiries.hot_leads == 1
    by_factory = {f.factory_id: (f.inquiries, f.buyers, f.hot_leads) for f in inquiries.factories}
    assert by_factory == {fair.factory_a: (2, 2, 1), fair.factory_b: (1, 1, 0)}
    assert [(h.code, h.factories, h.inquiries) for h in inquiries.by_hall] == [("A", 1, 2)]
    assert (inquiries.top100_factories, inquiries.top100_inquiries) == (1, 2)
    assert (inquiries.rest_factories, inquiries.rest_inquiries) == (1, 1)
    assert (inquiries.top100_mean, inquiries.rest_mean) == (2.0, 1.0)
    assert [(p.sku, p.inquiries) for p in inquiries.products] == [
        ("CY-001", 2),
        ("CY-002", 1),
        ("PT-01", 1),
    ]
    assert [(c.code, c.inquiries) for c in inquiries.categories] == [("camping", 3), ("pets", 1)]
    # The eve had no inquiries.
    assert _figures(report_db, EVE).inquiries.total == 0


def test_the_whole_fair_counts_every_day(report_db, report_fair) -> None:
    with report_db.session() as session:
        figures = dashboard_figures(session, report_window(session, None))
    assert figures.arrivals.first_entries == 6  # B on the eve and the five of DAY
    assert figures.refused["already"] == 2


def _rows(db, kind: str, key: str):  # noqa: ANN202, ANN001
    with db.session() as session:
        return rows_behind(session, day_window(ZONE, DAY), DrillTarget(kind, key))


def test_the_rows_behind_a_bar_are_the_ones_it_counts(report_db, report_fair) -> None:
    bucket = _rows(report_db, DrillKind.ARRIVALS_BUCKET, "36")
    assert bucket.total == 4
    assert sorted(row[1] for row in bucket.rows) == sorted(["安然", "白雪", "黄河", "金鑫"])
    desk = _rows(report_db, DrillKind.DESK, "Desk 2")
    assert [row[1] for row in desk.rows] == ["陈晨", "易峰", "安然"]
    only_refused = _rows(report_db, DrillKind.DESK, "Desk 3")
    assert [row[3] for row in only_refused.rows] == ["EXPO1.notabadge"]
    already = _rows(report_db, DrillKind.REFUSED, "already")
    assert [row[1] for row in already.rows] == ["白雪", "安然"]
    revoked = _rows(report_db, DrillKind.REFUSED, "revoked")
    assert [row[4] for row in revoked.rows] == ["王芳"]
    taobao = _rows(report_db, DrillKind.VISITOR_TYPE, "taobao")
    assert [row[1] for row in taobao.rows] == ["安然"]
    factory = _rows(report_db, DrillKind.FACTORY, str(report_fair.fair.factory_a))
    assert [row[2] for row in factory.rows] == ["张伟", "李娜"]
    assert factory.rows[0][4] == "折叠露营椅、铝合金蛋卷桌"
    hall = _rows(report_db, DrillKind.HALL, "A")
    assert hall.total == 2
    rest = _rows(report_db, DrillKind.TOP100, "rest")
    assert [row[4] for row in rest.rows] == ["宠物自动喂食器"]
    pets = _rows(report_db, DrillKind.CATEGORY, "pets")
    assert pets.total == 1
    with report_db.session() as session:
        assert session.scalar(select(func.count()).select_from(RefusedScan)) == 3


@pytest.mark.postgres
def test_the_same_figures_on_postgresql(pg_db) -> None:
    from tests.report_fair import build_report_fair

    build_report_fair(pg_db)
    figures = _figures(pg_db)
    arrivals = dataclasses.asdict(figures.arrivals)
    assert arrivals == {key: value for key, value in EXPECTED.items() if key in arrivals}
    assert figures.refused == EXPECTED["refused"]
    assert figures.arrivals_per_bucket == {0: (1, 0), 36: (3, 1), 37: (1, 0), 56: (0, 1)}
    desk = next(desk for desk in figures.desks if desk.station == "Desk 1")
    assert desk.median_gap_s == 50
    assert _figures(pg_db, EVE).arrivals_per_bucket == {95: (1, 0)}
    with pg_db.session() as session:
        assert fair_days(session) == [EVE, DAY]
    bucket = _rows(pg_db, DrillKind.ARRIVALS_BUCKET, "36")
    assert bucket.total == 4


def test_live_figures_equal_the_sql_figures_as_rows_come_in(report_db, report_fair) -> None:
    from expo.actors import Actor
    from expo.services.badges import code_for_visitor
    from expo.services.checkin import check_in, undo_last_check_in
    from expo.services.reports.live import LiveFigures
    from tests.people import add_visitor

    live = LiveFigures()

    def same(day=DAY) -> None:  # noqa: ANN001
        window = day_window(ZONE, day) if day else None
        with report_db.session() as session:
            window = window or report_window(session, None)
            expected = dashboard_figures(session, window, reference=local(DAY, "09:20:00"))
            got = live.figures(session, window, reference=local(DAY, "09:20:00"))
        assert got == expected

    same()
    same(EVE)
    same(None)
    assert live.reloads == 1
    # New rows are read by id: a walk-in registered and checked in, a refused scan, an inquiry.
    with report_db.write(Actor("Desk 1")) as uow:
        from expo.models import VisitorSource, VisitorType

        walk_in = add_visitor(uow, "新来", None, VisitorType.OTHER, source=VisitorSource.WALK_IN)
        check_in(uow, code_for_visitor(uow, walk_in), uow.station())
        check_in(uow, "EXPO1.BROKEN", uow.station())
    with report_db.write(Actor(report_fair.fair.station_a)) as uow:
        from expo.services.leads import InquiryDraft, booth_station, record_inquiry

        fair = report_fair.fair
        booth = booth_station(uow, fair.station_a, fair.factory_a)
        record_inquiry(
            uow, fair.factory_a, fair.code_private, InquiryDraft(skus=("CY-003",)), booth
        )
    same(None)
    same()
    assert live.reloads == 1
    # An undo changes a row in place: the figures load again, and still agree.
    with report_db.write(Actor("Desk 1")) as uow:
        undo_last_check_in(uow, uow.station())
    same(None)
    assert live.reloads == 2
