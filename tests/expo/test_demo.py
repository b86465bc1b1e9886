"""The demo fair: reproducible for one seed, and shaped like the real festival."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from expo.db import open_event
from expo.demo import DemoOptions, build_demo
from expo.models import Booth, Factory, Hall, Product, Visitor, VisitorSearchKey
from expo.progress import Cancelled, Progress


def _fingerprint(path: Path) -> list[tuple]:
    db = open_event(path)
    with db.session() as session:
        visitors = session.execute(
            select(
                Visitor.uuid, Visitor.name, Visitor.phone, Visitor.company, Visitor.created_at
            ).order_by(Visitor.id)
        ).all()
        factories = session.execute(
            select(Factory.name_zh, Factory.is_top100, Factory.rating_quality).order_by(Factory.id)
        ).all()
        booths = session.execute(select(Booth.code, Booth.x_m, Booth.y_m)).all()
    db.dispose()
    return [*visitors, *factories, *booths]


def test_the_same_seed_builds_the_same_fair(tmp_path: Path) -> None:
    fingerprints = []
    for name in ("one.sqlite", "two.sqlite"):
        db = open_event(tmp_path / name, create=True)
        build_demo(db, DemoOptions(visitors=500, factories=40, seed=11))
        db.dispose()
        fingerprints.append(_fingerprint(tmp_path / name))
    assert fingerprints[0] == fingerprints[1]

    db = open_event(tmp_path / "other.sqlite", create=True)
    build_demo(db, DemoOptions(visitors=500, factories=40, seed=12))
    db.dispose()
    assert _fingerprint(tmp_path / "other.sqlite") != fingerprints[0]


def test_demo_fair_has_the_shape_of_the_festival(demo_db) -> None:
    with demo_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Visitor)) == 3000
        assert session.scalar(select(func.count()).select_from(Factory)) == 120
        top100 = session.scalar(select(func.count()).where(Factory.is_top100))
        assert top100 == 24  # a fifth of a small fair; exactly 100 at 500 factories
        unrated = session.scalar(
            select(func.count()).where(Factory.is_top100, Factory.rating_product.is_(None))
        )
        assert unrated == 0
        per_factory = (
            session.execute(select(func.count()).select_from(Product).group_by(Product.factory_id))
            .scalars()
            .all()
        )
        assert len(per_factory) == 120 and min(per_factory) >= 5 and max(per_factory) <= 30
        halls = session.scalar(select(func.count()).select_from(Hall))
        assert 2 <= halls <= 4
        # Every factory's requested size has a booth at least that large.
        requested = sorted(session.scalars(select(Factory.requested_area_m2)), reverse=True)
        areas = sorted(
            (b.width_m * b.depth_m for b in session.scalars(select(Booth))), reverse=True
        )
        assert len(areas) >= len(requested)
        assert all(area >= need for area, need in zip(areas, requested, strict=False))
        phones = session.scalars(select(Visitor.phone)).all()
        assert len(set(phones)) == len(phones)
        assert all(p.startswith("+861") and len(p) == 14 for p in phones)
        keys = session.scalar(select(func.count()).select_from(VisitorSearchKey))
        assert keys >= 2 * 3000  # full pinyin and initials at least


def test_booths_of_one_hall_never_overlap(demo_db) -> None:
    with demo_db.session() as session:
        for hall in session.scalars(select(Hall)):
            rects = [(b.x_m, b.y_m, b.x_m + b.width_m, b.y_m + b.depth_m) for b in hall.booths]
            for rect in rects:
                assert 0 <= rect[0] and rect[2] <= hall.width_m
                assert 0 <= rect[1] and rect[3] <= hall.depth_m
            for i, a in enumerate(rects):
                for b in rects[i + 1 :]:
                    overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
                    assert not overlap, (a, b)


def test_cancelled_demo_leaves_the_database_empty(tmp_path: Path) -> None:
    class CancelAfterFactories(Progress):
        def changed(self) -> None:
            if self.message == "visitors":
                self.cancel()

    db = open_event(tmp_path / "cancel.sqlite", create=True)
    progress = CancelAfterFactories()
    with pytest.raises(Cancelled):
        build_demo(db, DemoOptions(visitors=20000, factories=30), progress)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Factory)) == 0
        assert session.scalar(select(func.count()).select_from(Visitor)) == 0
    db.dispose()
