"""The dashboard's figures kept up to date as rows are written, so a refresh reads only what is new.

``dashboard_figures`` (figures.py) aggregates in SQL on every call: right for a printed report,
but at 500,000 check-ins a day's aggregation reads ~170,000 index entries and joins the visitor
of every arrival. ``LiveFigures`` reads each row once: a first refresh loads the counts per
15-minute UTC bucket (desk, kind, visitor type, walk-in), the scan times of each desk, refused
scans, inquiries and the products they name; every later refresh reads only rows with a higher
id than it has seen (check-ins, refused scans and inquiries are appended, never rewritten).
Any window whose ends fall on quarter hours (every local day in a time zone whose offset is a
multiple of 15 minutes) is then summed from the buckets in memory.

What can change in place starts a full reload: an undo (counted from the undone_at index) and,
as a safety net, age (``RELOAD_AFTER_S``: booth moves, renamed factories, edited visitor types,
merged visitors). New visitors (walk-ins, imports) are read by id like the other rows. The
result equals ``dashboard_figures`` for the same window and reference (a test checks it).
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from expo.models import (
    CheckIn,
    CheckInKind,
    Event,
    Inquiry,
    RefusedScan,
    Station,
    Visitor,
    VisitorSource,
    VisitorType,
    inquiry_product,
)
from expo.models.types import utcnow
from expo.services.refused_scans import REFUSAL_REASONS
from expo.services.reports.figures import (
    REFUSAL_KINDS,
    SERVICE_GAP_LIMIT_S,
    ArrivalFigures,
    FairMeta,
    Figures,
    TypeMix,
    assemble_desks,
    assemble_inquiries,
    dashboard_figures,
    fair_meta,
    gap_span,
    hot_leads_by_factory,
)
from expo.services.reports.window import BUCKET_SECONDS, ReportWindow, epoch_seconds, to_epoch

RELOAD_AFTER_S = 300.0
_T = TypeVar("_T")
_ENTRY, _RE_ENTRY = CheckInKind.ENTRY, CheckInKind.RE_ENTRY


def _counters() -> defaultdict[int, Counter]:  # type: ignore[type-arg]
    return defaultdict(Counter)


def _fingerprint(session: Session) -> tuple[object, ...]:
    """What changes when check-ins change in place: an undo (few rows: an index range)."""
    return (
        session.scalar(select(func.count()).where(CheckIn.undone_at.is_not(None))),
        session.scalar(select(func.max(CheckIn.undone_at))),
    )


@dataclass
class _Sums:
    per_factory: Counter[int] = field(default_factory=Counter)
    pairs: set[tuple[int, int]] = field(default_factory=set)
    products: Counter[int] = field(default_factory=Counter)


@dataclass
class _State:
    fingerprint: tuple[object, ...]
    loaded_at: float
    meta: FairMeta
    names: dict[int, str]
    visitors: dict[int, tuple[VisitorType, VisitorSource]] = field(default_factory=dict)
    visitor_mark: int = 0
    registered: Counter[tuple[VisitorType, VisitorSource]] = field(default_factory=Counter)
    check_in_mark: int = 0
    # Everything is kept by 15-minute UTC bucket first, so a window reads its buckets only.
    scans: dict[int, Counter[tuple[int, CheckInKind]]] = field(default_factory=_counters)
    entries_by_type: dict[int, Counter[VisitorType]] = field(default_factory=_counters)
    walk_in_entries: Counter[int] = field(default_factory=Counter)
    times: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    refused_mark: int = 0
    refused: dict[int, Counter[tuple[str, str]]] = field(default_factory=_counters)
    inquiry_mark: int = 0
    inquiries: dict[int, Counter[int]] = field(default_factory=_counters)
    pairs: dict[int, set[tuple[int, int]]] = field(default_factory=lambda: defaultdict(set))
    products: dict[int, Counter[int]] = field(default_factory=_counters)
    # A window's inquiry sums, kept up to date with the new rows (bucket range -> sums).
    sums: dict[tuple[int, int], _Sums] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> _State:
        state = cls(
            fingerprint=_fingerprint(session),
            loaded_at=time.monotonic(),
            meta=fair_meta(session),
            names=dict(session.execute(select(Station.id, Station.name)).tuples().all()),
        )
        state.catch_up(session)
        return state

    def catch_up(self, session: Session) -> None:
        """Add the rows written since the last look (by id: they are only ever appended)."""
        for visitor_id, visitor_type, source in session.execute(
            select(Visitor.id, Visitor.visitor_type, Visitor.source).where(
                Visitor.id > self.visitor_mark
            )
        ):
            self.visitors[visitor_id] = (visitor_type, source)
            self.registered[(visitor_type, source)] += 1
            self.visitor_mark = max(self.visitor_mark, visitor_id)
        seconds = epoch_seconds(session, CheckIn.at)
        rows = session.execute(
            select(CheckIn.id, seconds, CheckIn.station_id, CheckIn.kind, CheckIn.visitor_id).where(
                CheckIn.id > self.check_in_mark, CheckIn.undone_at.is_(None)
            )
        ).all()
        if rows and any(row[2] not in self.names for row in rows):
            self.names = dict(session.execute(select(Station.id, Station.name)).tuples().all())
        for check_in_id, at, station_id, kind, visitor_id in rows:
            bucket = at // BUCKET_SECONDS
            self.scans[bucket][(station_id, kind)] += 1
            desk_times = self.times[station_id]
            if not desk_times or at >= desk_times[-1]:
                desk_times.append(at)
            else:
                bisect.insort(desk_times, at)
            if kind == _ENTRY:
                visitor_type, source = self.visitors.get(
                    visitor_id, (VisitorType.OTHER, VisitorSource.PREREGISTERED)
                )
                self.entries_by_type[bucket][visitor_type] += 1
                if source == VisitorSource.WALK_IN:
                    self.walk_in_entries[bucket] += 1
            self.check_in_mark = max(self.check_in_mark, check_in_id)
        for refused_id, at, reason, station in session.execute(
            select(
                RefusedScan.id,
                epoch_seconds(session, RefusedScan.at),
                RefusedScan.reason,
                RefusedScan.station_name,
            ).where(RefusedScan.id > self.refused_mark)
        ):
            self.refused[at // BUCKET_SECONDS][(reason, station)] += 1
            self.refused_mark = max(self.refused_mark, refused_id)
        top = session.scalar(select(func.max(Inquiry.id))) or 0
        if top <= self.inquiry_mark:
            return
        buckets: dict[int, int] = {}
        for inquiry_id, at, factory_id, visitor_id in session.execute(
            select(
                Inquiry.id,
                epoch_seconds(session, Inquiry.at),
                Inquiry.factory_id,
                Inquiry.visitor_id,
            ).where(Inquiry.id > self.inquiry_mark, Inquiry.id <= top)
        ):
            bucket = at // BUCKET_SECONDS
            buckets[inquiry_id] = bucket
            self.inquiries[bucket][factory_id] += 1
            self.pairs[bucket].add((factory_id, visitor_id))
            for (first, end), sums in self.sums.items():
                if first <= bucket < end:
                    sums.per_factory[factory_id] += 1
                    sums.pairs.add((factory_id, visitor_id))
        asked: set[int] = set()
        for inquiry_id, product_id in session.execute(
            select(inquiry_product.c.inquiry_id, inquiry_product.c.product_id).where(
                inquiry_product.c.inquiry_id > self.inquiry_mark,
                inquiry_product.c.inquiry_id <= top,
            )
        ):
            if inquiry_id in buckets:
                self.products[buckets[inquiry_id]][product_id] += 1
                asked.add(product_id)
                for (first, end), sums in self.sums.items():
                    if first <= buckets[inquiry_id] < end:
                        sums.products[product_id] += 1
        if not asked <= self.meta.products.keys():
            self.meta = fair_meta(session)  # a catalogue imported since the load
        self.inquiry_mark = top

    def figures(
        self,
        session: Session,
        event: str,
        window: ReportWindow,
        reference: dt.datetime,
        gaps_over: dt.timedelta | None,
    ) -> Figures:
        first = to_epoch(window.start) // BUCKET_SECONDS
        end = to_epoch(window.end) // BUCKET_SECONDS

        def within(by_bucket: dict[int, _T]) -> list[tuple[int, _T]]:
            return [(bucket, value) for bucket, value in by_bucket.items() if first <= bucket < end]

        entries = re_entries = arrived = arrived_walk_ins = walk_ins_in = 0
        overall: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        per_desk: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for bucket, counts in self.scans.items():
            if bucket >= end:
                continue
            index = bucket - first
            for (station_id, kind), count in counts.items():
                if kind == _ENTRY:
                    arrived += count
                if bucket < first:
                    continue
                overall[index][0 if kind == _ENTRY else 1] += count
                per_desk[station_id][index] += count
                if kind == _ENTRY:
                    entries += count
                else:
                    re_entries += count
        for bucket, count in self.walk_in_entries.items():
            if bucket < end:
                arrived_walk_ins += count
                if bucket >= first:
                    walk_ins_in += count
        preregistered = sum(
            n for (_, source), n in self.registered.items() if source == VisitorSource.PREREGISTERED
        )
        walk_ins = sum(
            n for (_, source), n in self.registered.items() if source == VisitorSource.WALK_IN
        )
        arrivals = ArrivalFigures(
            preregistered=preregistered,
            walk_ins=walk_ins,
            arrived=arrived,
            arrived_preregistered=arrived - arrived_walk_ins,
            arrived_walk_ins=arrived_walk_ins,
            first_entries=entries,
            first_entries_walk_ins=walk_ins_in,
            re_entries=re_entries,
            no_shows=max(0, preregistered - (arrived - arrived_walk_ins)),
        )
        refused = dict.fromkeys(REFUSAL_KINDS, 0)
        refused_by_desk: dict[str, int] = defaultdict(int)
        for _, reasons in within(self.refused):
            for (reason, station), count in reasons.items():
                if reason in REFUSAL_REASONS:
                    refused[reason] += count
                    refused_by_desk[station] += count
        refused["already"] = re_entries
        start, stop = (to_epoch(moment) for moment in gap_span(window, reference, gaps_over))
        gaps: dict[int, list[int]] = {}
        for station_id, times in self.times.items():
            low, high = bisect.bisect_left(times, start), bisect.bisect_left(times, stop)
            span = times[low:high]
            gaps[station_id] = [
                b - a for a, b in zip(span, span[1:], strict=False) if b - a <= SERVICE_GAP_LIMIT_S
            ]
        desks = assemble_desks(
            self.names,
            window,
            {station: dict(buckets) for station, buckets in per_desk.items()},
            dict(refused_by_desk),
            gaps,
            reference,
        )
        arrived_by_type: Counter[VisitorType] = Counter()
        for bucket, by_type in self.entries_by_type.items():
            if bucket < end:
                arrived_by_type.update(by_type)
        types = [
            TypeMix(t, self.registered[(t, VisitorSource.PREREGISTERED)], arrived_by_type[t])
            for t in VisitorType
        ]
        sums = self.sums.get((first, end))
        if sums is None:
            sums = _Sums()
            for _, by_factory in within(self.inquiries):
                sums.per_factory.update(by_factory)
            for _, pairs in within(self.pairs):
                sums.pairs |= pairs
            for _, by_product in within(self.products):
                sums.products.update(by_product)
            if len(self.sums) >= 4:  # a few windows looked at in turn; not every one ever
                self.sums.pop(next(iter(self.sums)))
            self.sums[(first, end)] = sums
        buyers: Counter[int] = Counter(factory_id for factory_id, _ in sums.pairs)
        inquiries = assemble_inquiries(
            self.meta,
            {f: (n, buyers[f]) for f, n in sums.per_factory.items()},
            hot_leads_by_factory(session),
            dict(sums.products),
        )
        return Figures(
            event=event,
            window=window,
            reference=reference,
            arrivals=arrivals,
            arrivals_per_bucket={
                index: (pair[0], pair[1]) for index, pair in sorted(overall.items())
            },
            desks=desks,
            refused=refused,
            types=types,
            inquiries=inquiries,
        )


class LiveFigures:
    """Figures for the dashboard, read incrementally; one per page (thread-safe)."""

    def __init__(self) -> None:
        self._state: _State | None = None
        self._lock = threading.Lock()
        self.reloads = 0  # full loads so far (tests and benchmarks read it)

    def figures(
        self,
        session: Session,
        window: ReportWindow,
        *,
        reference: dt.datetime | None = None,
        gaps_over: dt.timedelta | None = dt.timedelta(hours=1),
    ) -> Figures:
        reference = reference or utcnow()
        if to_epoch(window.start) % BUCKET_SECONDS or to_epoch(window.end) % BUCKET_SECONDS:
            # A time zone off the quarter hours: the buckets do not fit its days.
            return dashboard_figures(session, window, reference=reference, gaps_over=gaps_over)
        with self._lock:
            state = self._state
            stale = state is None or time.monotonic() - state.loaded_at > RELOAD_AFTER_S
            if not stale and state is not None and _fingerprint(session) != state.fingerprint:
                stale = True
            if stale or state is None:
                state = self._state = _State.load(session)
                self.reloads += 1
            else:
                state.catch_up(session)
            event = session.scalar(select(Event.name).limit(1)) or ""
            return state.figures(session, event, window, reference, gaps_over)
