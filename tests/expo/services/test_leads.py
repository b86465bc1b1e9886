"""Inquiries from scanned badges, one lead per buyer and factory, and factory privacy."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from expo.db import EventDatabase
from expo.models import Inquiry, Lead, LeadRating, StationKind, Visitor, inquiry_product
from expo.services.badges import BadgeStatus
from expo.services.catalogue import list_products
from expo.services.events import ensure_station
from expo.services.leads import (
    BadgeRefused,
    InquiryDraft,
    InquiryRefused,
    LeadNotFound,
    LeadUpdate,
    booth_station,
    identify_buyer,
    list_inquiries,
    list_leads,
    record_inquiry,
    update_lead,
)
from tests.actors import OFFICE
from tests.fair import build_small_fair


@pytest.fixture
def fair(empty_db):
    return build_small_fair(empty_db)


def _station(db, name: str, factory_id: int):
    with db.write(OFFICE) as session:
        return booth_station(session, name, factory_id)


def test_a_scanned_badge_shows_the_buyer_at_once(empty_db, fair) -> None:
    with empty_db.session() as session:
        card = identify_buyer(session, fair.factory_a, fair.code_consenting)
    assert (card.name, card.company, card.visitor_type.value) == (
        "张伟",
        "义乌优选百货",
        "livestreamer",
    )
    assert card.visitor_id == fair.consenting and card.lead_id is None


def test_a_full_width_scan_from_a_chinese_input_method_is_understood(empty_db, fair) -> None:
    full_width = fair.code_private.translate(
        {ord(c): ord(c) + 0xFEE0 for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"} | {ord("."): "。"}
    )
    with empty_db.session() as session:
        assert identify_buyer(session, fair.factory_a, full_width).name == "李娜"


@pytest.mark.parametrize(
    ("scan", "status"),
    [
        ("EXPO1.B.B.AAAAAAAAAAAAAAAA", BadgeStatus.INVALID),  # forged MAC
        ("EXPO1.B", BadgeStatus.INVALID),  # truncated
        ("", BadgeStatus.INVALID),
        ("REG-NOBODY-42", BadgeStatus.INVALID),  # no registration numbers at a booth
    ],
)
def test_an_invalid_or_unknown_badge_is_refused_at_the_booth(
    empty_db, fair, scan: str, status: BadgeStatus
) -> None:
    station = _station(empty_db, fair.station_a, fair.factory_a)
    with empty_db.write(OFFICE) as session:
        with pytest.raises(BadgeRefused) as caught:
            identify_buyer(session, fair.factory_a, scan)
        assert caught.value.status == status
        with pytest.raises(BadgeRefused):
            record_inquiry(session, fair.factory_a, scan, InquiryDraft(skus=["CY-001"]), station)
    with empty_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Inquiry)) == 0


def test_a_booth_refuses_a_real_registration_number_and_says_to_scan_the_badge(
    empty_db, fair
) -> None:
    station = _station(empty_db, fair.station_a, fair.factory_a)
    with empty_db.write(OFFICE) as session:
        session.execute(
            update(Visitor)
            .where(Visitor.id == fair.consenting)
            .values(registration_no="FD260001002")
        )
    for typed in ("FD260001002", "fd260001002"):
        with empty_db.write(OFFICE) as session:
            with pytest.raises(BadgeRefused, match="Scan the QR code on the badge") as caught:
                identify_buyer(session, fair.factory_a, typed)
            assert caught.value.status == BadgeStatus.INVALID
            with pytest.raises(BadgeRefused, match="registration number"):
                record_inquiry(
                    session, fair.factory_a, typed, InquiryDraft(skus=["CY-001"]), station
                )
    with empty_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Inquiry)) == 0
        assert session.scalar(select(func.count()).select_from(Lead)) == 0
        # The consenting buyer's phone never reached the booth.
        assert list_leads(session, fair.factory_a) == []
        # Their badge still works.
        assert identify_buyer(session, fair.factory_a, fair.code_consenting).name == "张伟"


def test_a_revoked_badge_is_refused_and_the_new_one_works(empty_db, fair) -> None:
    station = _station(empty_db, fair.station_a, fair.factory_a)
    with empty_db.write(OFFICE) as session:
        with pytest.raises(BadgeRefused, match="replaced") as caught:
            record_inquiry(
                session, fair.factory_a, fair.revoked_code, InquiryDraft(skus=["CY-001"]), station
            )
        assert caught.value.status == BadgeStatus.REVOKED
        # A tampered copy of a genuine code is refused as well, before any look-up.
        tampered = fair.code_consenting[:-1] + ("A" if fair.code_consenting[-1] != "A" else "B")
        with pytest.raises(BadgeRefused, match="Not a valid badge"):
            identify_buyer(session, fair.factory_a, tampered)


def test_an_inquiry_from_a_scanned_badge_lands_with_factory_visitor_and_products(
    empty_db, fair
) -> None:
    station = _station(empty_db, fair.station_a, fair.factory_a)
    draft = InquiryDraft(
        skus=["CY-003", "CY-001"],
        quantity=2000,
        target_price=Decimal("30.50"),
        customisation="印我们的 logo",
        notes="直播间要样品",
        rating=LeadRating.HOT,
        follow_up_on=dt.date(2026, 12, 28),
    )
    with empty_db.write(OFFICE) as session:
        record = record_inquiry(session, fair.factory_a, fair.code_consenting, draft, station)
    assert record.factory_id == fair.factory_a and record.visitor_id == fair.consenting
    assert [p.sku for p in record.products] == ["CY-001", "CY-003"]
    assert record.as_json()["target_price"] == "30.50"
    with empty_db.session() as session:
        inquiry = session.scalars(select(Inquiry)).one()
        assert (inquiry.factory_id, inquiry.visitor_id) == (fair.factory_a, fair.consenting)
        assert inquiry.station_id == station.id
        assert sorted(p.sku for p in inquiry.products) == ["CY-001", "CY-003"]
        assert inquiry.quantity == 2000 and inquiry.target_price == Decimal("30.50")
        assert (
            inquiry.customisation == "印我们的 logo" and inquiry.badge_code == fair.code_consenting
        )
        assert inquiry.uuid is not None
        lead = session.scalars(select(Lead)).one()
        assert (lead.factory_id, lead.visitor_id, lead.rating) == (
            fair.factory_a,
            fair.consenting,
            LeadRating.HOT,
        )
        assert lead.follow_up_on == dt.date(2026, 12, 28)


def test_the_same_buyer_twice_at_one_factory_is_one_lead_with_two_inquiries(empty_db, fair) -> None:
    station = _station(empty_db, fair.station_a, fair.factory_a)
    with empty_db.write(OFFICE) as session:
        first = record_inquiry(
            session,
            fair.factory_a,
            fair.code_private,
            InquiryDraft(skus=["CY-001"], rating=LeadRating.WARM),
            station,
        )
    with empty_db.write(OFFICE) as session:
        card = identify_buyer(session, fair.factory_a, fair.code_private)
        assert card.lead_id == first.lead_id and card.earlier_inquiries == 1
        second = record_inquiry(
            session,
            fair.factory_a,
            fair.code_private,
            InquiryDraft(skus=["CY-002"], quantity=300, rating=LeadRating.HOT),
            station,
        )
    assert second.lead_id == first.lead_id and second.uuid != first.uuid
    with empty_db.session() as session:
        leads = list_leads(session, fair.factory_a)
        assert session.scalar(select(func.count()).select_from(Lead)) == 1
    assert len(leads) == 1
    lead = leads[0]
    assert (lead.inquiries, lead.skus, lead.rating) == (2, ("CY-001", "CY-002"), LeadRating.HOT)


def test_factory_a_never_sees_factory_b_s_leads_or_inquiries(empty_db, fair) -> None:
    station_a = _station(empty_db, fair.station_a, fair.factory_a)
    station_b = _station(empty_db, fair.station_b, fair.factory_b)
    with empty_db.write(OFFICE) as session:
        record_inquiry(
            session, fair.factory_a, fair.code_consenting, InquiryDraft(skus=["CY-001"]), station_a
        )
        b_record = record_inquiry(
            session, fair.factory_b, fair.code_private, InquiryDraft(skus=["PT-02"]), station_b
        )
        # The same buyer at both factories: two leads, one per factory.
        record_inquiry(
            session, fair.factory_b, fair.code_consenting, InquiryDraft(skus=["PT-01"]), station_b
        )
    with empty_db.session() as session:
        a_inquiries = list_inquiries(session, fair.factory_a)
        a_leads = list_leads(session, fair.factory_a)
        assert list_inquiries(session, fair.factory_a, lead_id=b_record.lead_id) == []
        b_leads = list_leads(session, fair.factory_b)
        # A's booth card of a buyer never reveals B's lead either.
        assert identify_buyer(session, fair.factory_a, fair.code_private).lead_id is None
    assert [r.visitor_name for r in a_inquiries] == ["张伟"]
    assert all(r.factory_id == fair.factory_a for r in a_inquiries)
    assert [lead.name for lead in a_leads] == ["张伟"]
    assert sorted(lead.name for lead in b_leads) == ["张伟", "李娜"]


def test_a_booth_logs_for_its_own_factory_and_products_only(empty_db, fair) -> None:
    station_a = _station(empty_db, fair.station_a, fair.factory_a)
    with empty_db.write(OFFICE) as session:
        with pytest.raises(InquiryRefused, match="booth of another factory"):
            record_inquiry(
                session,
                fair.factory_b,
                fair.code_consenting,
                InquiryDraft(skus=["PT-01"]),
                station_a,
            )
        with pytest.raises(InquiryRefused, match="No product with SKU 'PT-01'"):
            record_inquiry(
                session,
                fair.factory_a,
                fair.code_consenting,
                InquiryDraft(skus=["PT-01"]),
                station_a,
            )
        b_product = list_products(session, fair.factory_b)[0]
        with pytest.raises(InquiryRefused, match="not .*in this factory's catalogue"):
            record_inquiry(
                session,
                fair.factory_a,
                fair.code_consenting,
                InquiryDraft(product_ids=[b_product.id]),
                station_a,
            )
        with pytest.raises(InquiryRefused, match="at least one product"):
            record_inquiry(session, fair.factory_a, fair.code_consenting, InquiryDraft(), station_a)
        with pytest.raises(InquiryRefused, match="quantity"):
            record_inquiry(
                session,
                fair.factory_a,
                fair.code_consenting,
                InquiryDraft(skus=["CY-001"], quantity=0),
                station_a,
            )
        desk = ensure_station(session, "Desk 1", StationKind.DESK)
        with pytest.raises(InquiryRefused, match="registration desk"):
            record_inquiry(
                session, fair.factory_a, fair.code_consenting, InquiryDraft(skus=["CY-001"]), desk
            )
        with pytest.raises(InquiryRefused, match="not the booth of factory"):
            booth_station(session, fair.station_a, fair.factory_b)
    with empty_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Inquiry)) == 0
        assert session.scalar(select(func.count()).select_from(inquiry_product)) == 0


def test_a_product_named_in_an_inquiry_cannot_be_deleted(empty_db, fair) -> None:
    from expo.services.catalogue import CatalogueError, save_catalogue

    station = _station(empty_db, fair.station_a, fair.factory_a)
    with empty_db.write(OFFICE) as session:
        record_inquiry(
            session, fair.factory_a, fair.code_consenting, InquiryDraft(skus=["CY-001"]), station
        )
    with empty_db.write(OFFICE) as session:
        chair = next(p for p in list_products(session, fair.factory_a) if p.sku == "CY-001")
        assert chair.inquiries == 1
        with pytest.raises(CatalogueError, match="named in 1 inquiries"):
            save_catalogue(session, fair.factory_a, [], deleted=[chair.id])


@pytest.mark.postgres
def test_inquiries_and_leads_on_postgresql(pg_db: EventDatabase, tmp_path) -> None:
    from expo.services.factories import list_factories
    from expo.services.lead_export import export_inquiries

    fair = build_small_fair(pg_db)
    station = _station(pg_db, fair.station_a, fair.factory_a)
    for skus in (["CY-001", "CY-003"], ["CY-002"]):
        with pg_db.write(OFFICE) as session:
            record_inquiry(
                session,
                fair.factory_a,
                fair.code_consenting,
                InquiryDraft(skus=skus, target_price=Decimal("9.90")),
                station,
            )
    with pg_db.session() as session:
        leads = list_leads(session, fair.factory_a)
        assert [(lead.inquiries, lead.skus) for lead in leads] == [
            (2, ("CY-001", "CY-002", "CY-003"))
        ]
        assert leads[0].last_at is not None and leads[0].last_at.tzinfo is not None
        assert list_leads(session, fair.factory_b) == []
        assert export_inquiries(session, fair.factory_a, tmp_path / "pg.xlsx").rows == 2
        factories = list_factories(session, top100=True)
        assert [(f.id, f.products) for f in factories] == [(fair.factory_a, 4)]


def _lead_of(db, factory_id: int, payload: str, sku: str, station) -> int:
    with db.write(OFFICE) as session:
        draft = InquiryDraft(skus=[sku], rating=LeadRating.WARM, notes="first visit")
        return record_inquiry(session, factory_id, payload, draft, station).lead_id


def test_booth_staff_edit_a_lead_s_notes_rating_and_follow_up_after_the_fact(
    empty_db, fair
) -> None:
    station = _station(empty_db, fair.station_a, fair.factory_a)
    lead_id = _lead_of(empty_db, fair.factory_a, fair.code_consenting, "CY-001", station)
    with empty_db.write(OFFICE) as session:
        summary = update_lead(
            session,
            lead_id,
            fair.factory_a,
            LeadUpdate(
                rating=LeadRating.HOT,
                follow_up_on=dt.date(2025, 5, 2),
                notes="  Sent the price list by WeChat  ",
            ),
            station,
        )
    assert (summary.rating, summary.follow_up_on, summary.notes) == (
        LeadRating.HOT,
        dt.date(2025, 5, 2),
        "Sent the price list by WeChat",
    )
    # Fields left out stay; None clears; the inquiry (append-only) is untouched.
    with empty_db.write(OFFICE) as session:
        update_lead(session, lead_id, fair.factory_a, LeadUpdate(follow_up_on=None), station)
    with empty_db.session() as session:
        lead = session.get(Lead, lead_id)
        assert (lead.rating, lead.follow_up_on, lead.notes) == (
            LeadRating.HOT,
            None,
            "Sent the price list by WeChat",
        )
        inquiry = session.scalars(select(Inquiry)).one()
        assert (inquiry.rating, inquiry.notes) == (LeadRating.WARM, "first visit")
        assert list_leads(session, fair.factory_a)[0].notes == "Sent the price list by WeChat"


def test_factory_b_can_never_touch_factory_a_s_lead(empty_db, fair) -> None:
    station_a = _station(empty_db, fair.station_a, fair.factory_a)
    station_b = _station(empty_db, fair.station_b, fair.factory_b)
    lead_id = _lead_of(empty_db, fair.factory_a, fair.code_private, "CY-002", station_a)
    change = LeadUpdate(rating=LeadRating.COLD, notes="not serious")
    with empty_db.write(OFFICE) as session:
        # As factory B, from B's booth: refused as if the lead did not exist.
        with pytest.raises(LeadNotFound, match=f"Factory {fair.factory_b} has no lead"):
            update_lead(session, lead_id, fair.factory_b, change, station_b)
        # Claiming to be factory A from B's booth: refused by the station check.
        with pytest.raises(InquiryRefused, match="booth of another factory"):
            update_lead(session, lead_id, fair.factory_a, change, station_b)
        with pytest.raises(LeadNotFound):
            update_lead(session, lead_id + 999, fair.factory_a, change, station_a)
    with empty_db.session() as session:
        lead = session.get(Lead, lead_id)
        assert (lead.rating, lead.notes) == (LeadRating.WARM, None)


def test_an_overlong_lead_note_is_refused_and_nothing_changes(empty_db, fair) -> None:
    station = _station(empty_db, fair.station_a, fair.factory_a)
    lead_id = _lead_of(empty_db, fair.factory_a, fair.code_private, "CY-002", station)
    with pytest.raises(InquiryRefused, match="longer than 2000"):
        with empty_db.write(OFFICE) as session:
            update_lead(
                session,
                lead_id,
                fair.factory_a,
                LeadUpdate(rating=LeadRating.COLD, notes="x" * 2001),
                station,
            )
    with empty_db.session() as session:
        assert session.get(Lead, lead_id).rating == LeadRating.WARM
