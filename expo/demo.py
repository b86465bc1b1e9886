"""The seeded, reproducible demo fair: the Factory Direct Sourcing Festival in Shenzhen.

About 500 factories from real industry belts with their products and a TOP100, halls of booths
that fit them, and 100,000 trade visitors. One seed gives the same fair, byte for byte in the
rows (UUIDs and timestamps included). Visitors go in with Core bulk inserts: one ORM object a
row would be about ten times slower (see benchmarks/bench_demo.py).

With ``assign_booths`` the booth solver then places the factories (a second transaction, a few
seconds). The solver improves its proposal for as long as its time limit lets it, so which
booth a factory gets may differ between two builds; everything else stays seed-for-seed equal.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from expo.actors import Actor, system_actor
from expo.db import EventDatabase
from expo.demo_data import factories as fdata
from expo.demo_data import people
from expo.hall_layout import lay_out_halls
from expo.models import (
    RATING_DIMENSIONS,
    Booth,
    Factory,
    Hall,
    Product,
    VisitorSource,
)
from expo.models.base import table_of
from expo.progress import Progress
from expo.services.booth_assignment import AssignOptions, assign_booths
from expo.services.events import create_event
from expo.services.visitor_writer import insert_visitors, name_index
from expo.text.pinyin import name_keys
from expo.unit_of_work import UnitOfWork

BATCH = 5000
EVENT_START = dt.date(2026, 12, 18)


@dataclass(frozen=True)
class DemoOptions:
    visitors: int = 100_000
    factories: int = 500
    seed: int = 2026
    assign_booths: bool = False  # run the booth solver after building (see the module doc)
    booth_time_limit: float = 1.0  # seconds for the solver: all 500 placed, gap ~4 % (1 s more)


@dataclass(frozen=True)
class DemoResult:
    visitors: int
    factories: int
    top100: int
    products: int
    halls: int
    booths: int
    assigned: int = 0  # factories given booths (with ``assign_booths``)


def build_demo(
    db: EventDatabase,
    options: DemoOptions = DemoOptions(),
    progress: Progress | None = None,
    *,
    actor: Actor | None = None,
) -> DemoResult:
    """Fill an empty event database with the demo fair, in one unit of work acting as ``actor``
    (default: the organisers' office). Records ``event.created`` and one ``demo.built``."""
    actor = actor or system_actor()
    progress = progress or Progress()
    rng = random.Random(options.seed)
    total = options.factories + options.visitors
    progress.update(0, total, "factories")
    with db.write(actor) as uow:
        create_event(
            uow,
            "1688 工厂直采节",
            name_en="Factory Direct Sourcing Festival",
            city="深圳",
            venue="深圳国际会展中心",
            starts_on=EVENT_START,
            ends_on=EVENT_START + dt.timedelta(days=2),
        )
        factories, products = _add_factories(uow, rng, options.factories)
        progress.update(options.factories, total, "halls and booths")
        halls, booths = _add_halls(uow, [f["requested_area_m2"] for f in factories])
        progress.check()
        _add_visitors(uow, rng, options.visitors, progress, offset=options.factories)
        top100 = sum(1 for f in factories if f["is_top100"])
        uow.record(
            "demo.built",
            seed=options.seed,
            visitors=options.visitors,
            factories=len(factories),
            top100=top100,
            products=products,
            halls=halls,
            booths=booths,
        )
    assigned = 0
    if options.assign_booths:
        with db.write(actor) as uow:
            solved = assign_booths(
                uow, AssignOptions(time_limit=options.booth_time_limit), progress
            )
        assigned = solved.assigned
    db.checkpoint()
    return DemoResult(options.visitors, len(factories), top100, products, halls, booths, assigned)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _stamp(rng: random.Random, days_before: int) -> dt.datetime:
    start = dt.datetime.combine(EVENT_START, dt.time(9), tzinfo=dt.UTC)
    return start - dt.timedelta(seconds=rng.randrange(days_before * 86400))


def _weighted(rng: random.Random, pairs: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _add_factories(
    session: Session, rng: random.Random, count: int
) -> tuple[list[dict[str, Any]], int]:
    belts = fdata.BELTS
    rows: list[dict[str, Any]] = []
    used_names: set[str] = set()
    for index in range(count):
        belt, city, city_en, _, categories = rng.choices(belts, weights=[b[3] for b in belts])[0]
        main = categories[0] if rng.random() < 0.55 else rng.choice(categories)
        others = [c for c in categories if c != main]
        other_categories: list[str] = rng.sample(
            others, k=min(len(others), rng.choice((0, 1, 1, 2)))
        )
        word_zh, word_en = fdata.INDUSTRY_WORDS[main]
        while True:
            brand = "".join(rng.sample(fdata.BRAND_SYLLABLES, 2))
            name = f"{city}市{brand}{word_zh}有限公司"
            if name not in used_names:
                used_names.add(name)
                break
        brand_en = name_keys(brand).pinyin.capitalize()
        catalogue = fdata.PRODUCTS[main]
        hits = [
            p[0] for p in rng.sample(catalogue, k=min(len(catalogue), rng.choice((1, 2, 2, 3))))
        ]
        rows.append(
            {
                "id": index + 1,
                "uuid": _uuid(rng),
                "name_zh": name,
                "name_en": f"{city_en} {brand_en} {word_en} Co., Ltd.",
                "city": city,
                "belt": belt,
                "main_category": main,
                "other_categories": other_categories,
                "hit_products": hits,
                "requested_area_m2": _weighted(rng, fdata.REQUESTED_AREAS),
                "quality": rng.gauss(0, 1),
                "is_top100": False,
                "top100_rank": None,
                "contact_name": None,
                "contact_phone": None,
                "description": f"{belt}产业带源头工厂，主营{'、'.join(hits)}。",
                "created_at": _stamp(rng, 60),
            }
        )
    # The TOP100: the best-rated factories (exactly 100 at the full fair, a fifth of a small one).
    top_count = min(100, count) if count >= 200 else max(1, count // 5)
    for row in sorted(rows, key=lambda r: r["quality"], reverse=True)[:top_count]:
        row["is_top100"] = True
        base = 78 + 6 * row["quality"]
        for column, _, _ in RATING_DIMENSIONS:
            row[column] = max(55, min(100, round(rng.gauss(base, 7))))
        # TOP100 factories tend to take larger stands.
        row["requested_area_m2"] = max(row["requested_area_m2"], rng.choice((9, 18, 18, 36)))
    ranked = sorted(
        (r for r in rows if r["is_top100"]),
        key=lambda r: -sum(r[c] for c, _, _ in RATING_DIMENSIONS),
    )
    for rank, row in enumerate(ranked, start=1):
        row["top100_rank"] = rank
    for row in rows:
        row.pop("quality")
        row["updated_at"] = row["created_at"]
        for column, _, _ in RATING_DIMENSIONS:
            row.setdefault(column, None)
    session.execute(insert(table_of(Factory)), rows)

    products: list[dict[str, Any]] = []
    for row in rows:
        offered: list[str] = [row["main_category"], *row["other_categories"]]
        n = rng.randint(5, 30)
        seen: set[str] = set()
        for number in range(1, n + 1):
            category = offered[0] if rng.random() < 0.75 else rng.choice(offered)
            base, low, high, moq = rng.choice(fdata.PRODUCTS[category])
            if number <= len(row["hit_products"]):
                base = row["hit_products"][number - 1]
                category = row["main_category"]
                low, high, moq = next(
                    (p[1], p[2], p[3]) for p in fdata.PRODUCTS[category] if p[0] == base
                )
            name = f"{rng.choice(fdata.PRODUCT_ADJECTIVES)}{base}"
            while name in seen:
                name = f"{name}（{rng.choice('ABCDEFGH')}款）"
            seen.add(name)
            price_min = Decimal(low) * Decimal(rng.randint(85, 110)) / 100
            price_max = max(price_min * Decimal("1.2"), Decimal(high) * rng.randint(90, 115) / 100)
            stamp = row["created_at"]
            products.append(
                {
                    "uuid": _uuid(rng),
                    "factory_id": row["id"],
                    "sku": f"F{row['id']:03d}-{number:02d}",
                    "name": name,
                    "name_pinyin": name_keys(name).pinyin,
                    "category": category,
                    "moq": moq * rng.choice((1, 1, 2, 5)),
                    "price_min": price_min.quantize(Decimal("0.01")),
                    "price_max": Decimal(price_max).quantize(Decimal("0.01")),
                    "customisable": rng.random() < 0.45,
                    "oem": rng.random() < 0.35,
                    "lead_time_days": rng.choice((3, 7, 7, 15, 15, 30, 45)),
                    "photo_path": None,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
    session.execute(insert(table_of(Product)), products)
    return rows, len(products)


def _add_halls(session: Session, requested_areas: list[int]) -> tuple[int, int]:
    # About one booth in six spare, as the organisers plan it: room for late exhibitors.
    spare = [requested_areas[i] for i in range(0, len(requested_areas), 6)]
    plans = lay_out_halls(requested_areas + spare)
    booth_rows: list[dict[str, Any]] = []
    for order, plan in enumerate(plans):
        hall = Hall(
            code=plan.code,
            name=plan.name,
            width_m=plan.width_m,
            depth_m=plan.depth_m,
            entrances=plan.entrances,
            sort_order=order,
        )
        session.add(hall)
        session.flush()
        for booth in plan.booths:
            booth_rows.append(
                {
                    "hall_id": hall.id,
                    "code": booth.code,
                    "x_m": booth.x_m,
                    "y_m": booth.y_m,
                    "width_m": booth.width_m,
                    "depth_m": booth.depth_m,
                    "kind": booth.kind,
                    "is_corner": booth.is_corner,
                    "on_main_aisle": booth.on_main_aisle,
                    "near_entrance": booth.near_entrance,
                    "prominence": booth.prominence,
                    "prominence_manual": False,
                    "factory_id": None,
                    "locked": False,
                    "excluded": False,
                    "notes": None,
                }
            )
    session.execute(insert(table_of(Booth)), booth_rows)
    return len(plans), len(booth_rows)


def _person_name(rng: random.Random) -> str:
    surname = _weighted(rng, people.SURNAMES)
    given = "".join(rng.choice(people.GIVEN_CHARACTERS) for _ in range(rng.choice((1, 2, 2, 2))))
    return surname + given


def visitor_rows(rng: random.Random, count: int, first_id: int = 1) -> list[dict[str, Any]]:
    """``count`` plausible trade visitors as rows for ``insert_visitors`` (ids from
    ``first_id``), which derives their pinyin, phone tail and search keys."""
    types = people.VISITOR_TYPE_SHARES
    used_phones: set[str] = set()
    rows: list[dict[str, Any]] = []
    for index in range(count):
        name = _person_name(rng)
        visitor_type = _weighted(rng, types)
        city = _weighted(rng, people.CITIES)
        company: str | None = None
        if rng.random() < 0.93:
            pattern = rng.choice(people.COMPANY_PATTERNS[visitor_type])
            company = pattern.format(w=rng.choice(people.SHOP_WORDS), c=city)
        while True:
            phone = f"+86{rng.choice(people.MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"
            if phone not in used_phones:
                used_phones.add(phone)
                break
        pinyin = name_index(name)[0]
        wechat = None
        if rng.random() < 0.6:
            wechat = f"{pinyin[:10]}{rng.randrange(100, 99999)}"
        stamp = _stamp(rng, 45)
        visitor_id = first_id + index
        rows.append(
            {
                "id": visitor_id,
                "uuid": _uuid(rng),
                "name": name,
                "company": company,
                "phone": phone,
                "wechat": wechat,
                "email": f"{pinyin}{rng.randrange(1, 999)}@example.cn"
                if rng.random() < 0.15
                else None,
                "visitor_type": visitor_type,
                "city": city,
                "source": VisitorSource.PREREGISTERED.value,
                "registration_no": f"FD26{visitor_id:07d}",
                "consent_share": rng.random() < 0.72,
                "import_batch_id": None,
                "created_by_station_id": None,
                "notes": None,
                "version_id": 1,
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
    return rows


def _add_visitors(
    session: UnitOfWork, rng: random.Random, count: int, progress: Progress, offset: int
) -> None:
    total = offset + count
    for start in range(0, count, BATCH):
        progress.check()
        rows = visitor_rows(rng, min(BATCH, count - start), first_id=start + 1)
        insert_visitors(session, rows)
        progress.update(offset + start + len(rows), total, "visitors")
