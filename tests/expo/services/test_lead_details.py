"""Issue 17: qualifying questions, tags, salespeople, buyers without a badge, consent at the
booth, follow-up templates, CRM CSV presets and a factory's figures, all per factory."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from expo.db import EventDatabase
from expo.models import InquiryAnswer, Lead, LeadCardImage, LeadTag, Visitor
from expo.services.card_images import CardImageError, card_image_from_bytes, card_image_from_file
from expo.services.follow_up import TemplateError, leads_due, messages_for, save_template
from expo.services.lead_csv import PRESETS, export_leads_csv, preset_headers
from expo.services.lead_figures import factory_figures
from expo.services.lead_questions import (
    QuestionError,
    add_question,
    list_questions,
    remove_question,
)
from expo.services.leads import (
    InquiryDraft,
    LeadFilter,
    LeadUpdate,
    booth_station,
    list_inquiries,
    list_leads,
    record_consent,
    record_inquiry,
    update_lead,
)
from expo.services.salespeople import set_station_salespeople, station_salespeople
from expo.services.unbadged import UnbadgedBuyer, UnbadgedRefused, record_unbadged_inquiry
from tests.actors import OFFICE
from tests.fair import SmallFair, build_small_fair


@pytest.fixture
def fair(empty_db: EventDatabase) -> SmallFair:
    return build_small_fair(empty_db)


@pytest.fixture
def questions(empty_db: EventDatabase, fair: SmallFair) -> dict[str, int]:
    with empty_db.write(OFFICE) as session:
        volume = add_question(
            session, fair.factory_a, "月采购量 Monthly volume", "one", ["<1k", "1k-10k", ">10k"]
        )
        channels = add_question(
            session, fair.factory_a, "销售渠道 Sells on", "many", ["抖音", "小红书", "淘宝", "跨境"]
        )
        sample = add_question(session, fair.factory_a, "样品 Sample wanted", "text")
    return {"volume": volume.id, "channels": channels.id, "sample": sample.id}


def _record(db: EventDatabase, fair: SmallFair, code: str, **draft: object):
    with db.write(OFFICE) as session:
        station = booth_station(session, fair.station_a, fair.factory_a)
        return record_inquiry(
            session, fair.factory_a, code, InquiryDraft(skus=["CY-001"], **draft), station
        )


def _csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, so Excel shows the Chinese"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_questions_of_each_kind_are_answered_stored_and_exported(
    empty_db, fair, questions, tmp_path
) -> None:
    record = _record(
        empty_db,
        fair,
        fair.code_consenting,
        answers=[
            (questions["volume"], "2"),  # by number
            (questions["channels"], "抖音"),
            (questions["channels"], "4"),
            (questions["sample"], "要 2 个样品"),
        ],
    )
    assert record.answers == {
        questions["volume"]: ("1k-10k",),
        questions["channels"]: ("抖音", "跨境"),
        questions["sample"]: ("要 2 个样品",),
    }
    with empty_db.session() as session:
        stored = session.execute(
            select(InquiryAnswer.question_id, InquiryAnswer.value).order_by(InquiryAnswer.id)
        ).all()
        lead = list_leads(session, fair.factory_a)[0]
        again = list_inquiries(session, fair.factory_a)[0]
        out = tmp_path / "leads.csv"
        export_leads_csv(session, fair.factory_a, "plain", out)
    assert [tuple(row) for row in stored] == [
        (questions["volume"], "1k-10k"),
        (questions["channels"], "抖音"),
        (questions["channels"], "跨境"),
        (questions["sample"], "要 2 个样品"),
    ]
    assert lead.answers == record.answers and again.answers == record.answers
    (row,) = _csv(out)
    assert row["月采购量 Monthly volume"] == "1k-10k"
    assert row["销售渠道 Sells on"] == "抖音; 跨境"
    assert row["样品 Sample wanted"] == "要 2 个样品"


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("9", "not an option"),
        ("微博", "not an option"),
    ],
)
def test_an_answer_that_is_not_an_option_is_refused_and_nothing_is_saved(
    empty_db, fair, questions, answer, message
) -> None:
    with pytest.raises(QuestionError, match=message):
        _record(empty_db, fair, fair.code_consenting, answers=[(questions["volume"], answer)])
    with pytest.raises(QuestionError, match="takes one option"):
        _record(
            empty_db,
            fair,
            fair.code_consenting,
            answers=[(questions["volume"], "1"), (questions["volume"], "2")],
        )
    with empty_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Lead)) == 0


def test_a_factory_cannot_use_or_see_another_factorys_questions(empty_db, fair, questions) -> None:
    with empty_db.write(OFFICE) as session:
        station_b = booth_station(session, fair.station_b, fair.factory_b)
        with pytest.raises(QuestionError, match="not one of this factory's questions"):
            record_inquiry(
                session,
                fair.factory_b,
                fair.code_consenting,
                InquiryDraft(skus=["PT-01"], answers=[(questions["volume"], "1")]),
                station_b,
            )
        assert list_questions(session, fair.factory_b) == []
        with pytest.raises(QuestionError, match="has no question"):
            remove_question(session, fair.factory_b, questions["volume"])
    _record(empty_db, fair, fair.code_consenting, answers=[(questions["volume"], "1")])
    with empty_db.session() as session:
        # Filtering B's leads on A's question finds nothing, not A's lead.
        assert (
            list_leads(
                session, fair.factory_b, where=LeadFilter(answers={questions["volume"]: "<1k"})
            )
            == []
        )


def test_a_removed_question_leaves_the_form_but_its_answers_stay_in_the_export(
    empty_db, fair, questions, tmp_path
) -> None:
    _record(empty_db, fair, fair.code_consenting, answers=[(questions["volume"], ">10k")])
    with empty_db.write(OFFICE) as session:
        remove_question(session, fair.factory_a, questions["volume"])
        assert [q.id for q in list_questions(session, fair.factory_a)] == [
            questions["channels"],
            questions["sample"],
        ]
    with empty_db.session() as session:
        export_leads_csv(session, fair.factory_a, "plain", tmp_path / "l.csv")
    assert _csv(tmp_path / "l.csv")[0]["月采购量 Monthly volume"] == ">10k"
    with pytest.raises(QuestionError, match="not one of this factory's questions"):
        _record(empty_db, fair, fair.code_private, answers=[(questions["volume"], "1")])


def test_question_definitions_are_checked(empty_db, fair) -> None:
    with empty_db.write(OFFICE) as session:
        with pytest.raises(QuestionError, match="at least two options"):
            add_question(session, fair.factory_a, "Q", "one", ["only"])
        with pytest.raises(QuestionError, match="no options"):
            add_question(session, fair.factory_a, "Q", "text", ["a"])
        with pytest.raises(QuestionError, match="Unknown question kind"):
            add_question(session, fair.factory_a, "Q", "scale")
        with pytest.raises(QuestionError, match="At most 9"):
            add_question(session, fair.factory_a, "Q", "many", [str(n) for n in range(10)])


def test_leads_filter_on_answers_and_tags(empty_db, fair, questions) -> None:
    _record(
        empty_db,
        fair,
        fair.code_consenting,
        answers=[(questions["channels"], "抖音"), (questions["sample"], "要样品，红色")],
        tags=["VIP", "样品已寄"],
    )
    _record(
        empty_db, fair, fair.code_private, answers=[(questions["channels"], "淘宝")], tags=["vip"]
    )
    with empty_db.session() as session:

        def names(where: LeadFilter) -> list[str]:
            return sorted(lead.name for lead in list_leads(session, fair.factory_a, where=where))

        assert names(LeadFilter(answers={questions["channels"]: "抖音"})) == ["张伟"]
        assert names(LeadFilter(answers={questions["channels"]: "淘宝"})) == ["李娜"]
        assert names(LeadFilter(answers={questions["sample"]: "红色"})) == ["张伟"]
        assert names(LeadFilter(tag="样品已寄")) == ["张伟"]
        assert names(LeadFilter(tag="VIP")) == ["张伟", "李娜"]  # one tag whatever the case
        assert names(LeadFilter(tag="VIP", answers={questions["channels"]: "淘宝"})) == ["李娜"]
        assert names(LeadFilter(tag="nobody")) == []
        tags = session.scalars(select(LeadTag.tag).order_by(LeadTag.id)).all()
    assert tags == ["VIP", "样品已寄", "vip"]
    with empty_db.write(OFFICE) as session:
        station = booth_station(session, fair.station_a, fair.factory_a)
        lead = list_leads(session, fair.factory_a, where=LeadFilter(tag="样品已寄"))[0]
        update_lead(session, lead.id, fair.factory_a, LeadUpdate(tags=["回访"]), station)
        assert list_leads(session, fair.factory_a, lead_id=lead.id)[0].tags == ("回访",)


def test_the_salesperson_is_on_the_inquiry_and_the_lead_and_on_the_stations_list(
    empty_db, fair
) -> None:
    with empty_db.write(OFFICE) as session:
        station = booth_station(session, fair.station_a, fair.factory_a)
        assert set_station_salespeople(session, station, ["王芳", "李雷", "王芳"]) == [
            "王芳",
            "李雷",
        ]
    first = _record(empty_db, fair, fair.code_consenting, salesperson="李雷")
    _record(empty_db, fair, fair.code_consenting, salesperson="赵六")
    assert first.salesperson == "李雷"
    with empty_db.session() as session:
        lead = list_leads(session, fair.factory_a)[0]
        inquiries = list_inquiries(session, fair.factory_a)
        station = booth_station(session, fair.station_a, fair.factory_a)
        names = station_salespeople(session, station.id)
    assert lead.salesperson == "李雷"  # who took the lead: the first
    assert [i.salesperson for i in inquiries] == ["赵六", "李雷"]
    assert names == ["王芳", "李雷", "赵六"]  # a new name joins the short list


def _png(size: tuple[int, int] = (3000, 2000)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (240, 230, 200)).save(out, "PNG")
    return out.getvalue()


def test_an_unbadged_buyer_is_created_marked_unverified_and_the_card_kept(empty_db, fair) -> None:
    card = card_image_from_bytes(_png())
    assert max(card.width, card.height) == 1600 and card.jpeg[:2] == b"\xff\xd8"
    with empty_db.write(OFFICE) as session:
        station = booth_station(session, fair.station_a, fair.factory_a)
        result = record_unbadged_inquiry(
            session,
            fair.factory_a,
            UnbadgedBuyer("陈静", "139-2222-3333", "潮州陶瓷小店", card),
            InquiryDraft(skus=["CY-002"], salesperson="王芳"),
            station,
        )
    assert not result.matched_registration and result.card_image_id is not None
    with empty_db.session() as session:
        visitor = session.scalars(select(Visitor).where(Visitor.name == "陈静")).one()
        assert visitor.phone == "+8613922223333"
        lead = list_leads(session, fair.factory_a)[0]
        assert session.get(LeadCardImage, result.card_image_id).jpeg == card.jpeg
    assert (lead.name, lead.company, lead.phone) == ("陈静", "潮州陶瓷小店", "+8613922223333")
    assert lead.verified_by_badge is False and lead.as_json()["verified_by_badge"] is False
    assert result.inquiry.badge_code is None


def test_an_unbadged_buyer_with_a_registered_phone_is_linked_not_registered_twice(
    empty_db, fair
) -> None:
    with empty_db.session() as session:
        before = session.scalar(select(func.count()).select_from(Visitor))
    with empty_db.write(OFFICE) as session:
        station = booth_station(session, fair.station_a, fair.factory_a)
        result = record_unbadged_inquiry(
            session,
            fair.factory_a,
            UnbadgedBuyer("Li Na", "+86 139 0013 9000", "Flower shop"),
            InquiryDraft(skus=["CY-001"]),
            station,
        )
    assert result.matched_registration
    with empty_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Visitor)) == before
        lead = session.scalars(select(Lead)).one()
        assert lead.visitor_id == fair.private and lead.verified_by_badge is False
        shown = list_leads(session, fair.factory_a)[0]
    # The factory sees what its booth typed, not the registration (李娜 did not consent).
    assert (shown.name, shown.company, shown.wechat) == ("Li Na", "Flower shop", None)
    # Scanning that buyer's badge later verifies the lead.
    _record(empty_db, fair, fair.code_private)
    with empty_db.session() as session:
        shown = list_leads(session, fair.factory_a)[0]
    assert shown.verified_by_badge and shown.name == "李娜" and shown.phone is None


def test_an_unbadged_buyer_needs_a_name_and_a_reachable_phone(empty_db, fair) -> None:
    with empty_db.write(OFFICE) as session:
        station = booth_station(session, fair.station_a, fair.factory_a)
        for buyer, message in (
            (UnbadgedBuyer("", "13800138000"), "name"),
            (UnbadgedBuyer("陈静", "12345"), "not a phone number"),
        ):
            with pytest.raises(UnbadgedRefused, match=message):
                record_unbadged_inquiry(
                    session, fair.factory_a, buyer, InquiryDraft(skus=["CY-001"]), station
                )


def test_non_images_and_huge_files_are_refused_with_a_message(tmp_path) -> None:
    text = tmp_path / "card.jpg"
    text.write_text("not a photo")
    with pytest.raises(CardImageError, match="not a picture"):
        card_image_from_file(text)
    huge = tmp_path / "huge.png"
    with huge.open("wb") as handle:
        handle.truncate(26 * 1024 * 1024)
    with pytest.raises(CardImageError, match="limit is 25 MB"):
        card_image_from_file(huge)
    with pytest.raises(CardImageError, match="no file"):
        card_image_from_file(tmp_path / "missing.png")


def test_consent_at_the_booth_changes_the_export_from_then_on_and_is_recorded(
    empty_db, fair, tmp_path
) -> None:
    _record(empty_db, fair, fair.code_private)  # 李娜 did not consent at registration
    with empty_db.session() as session:
        export_leads_csv(session, fair.factory_a, "plain", tmp_path / "before.csv")
        lead_id = list_leads(session, fair.factory_a)[0].id
    assert _csv(tmp_path / "before.csv")[0]["手机 Phone"] == "未授权 not shared"
    with empty_db.write(OFFICE) as session:
        station = booth_station(session, fair.station_a, fair.factory_a)
        shown = record_consent(session, fair.factory_a, lead_id, station)
    assert shown.phone == "+8613900139000" and shown.wechat == "lina_flowers"
    with empty_db.session() as session:
        lead = session.get(Lead, lead_id)
        assert lead.consent_at is not None and lead.consent_station_id == station.id
        export_leads_csv(session, fair.factory_a, "plain", tmp_path / "after.csv")
        other = list_leads(session, fair.factory_b)
    row = _csv(tmp_path / "after.csv")[0]
    assert (row["手机 Phone"], row["微信 WeChat"]) == ("13900139000", "lina_flowers")
    assert row["展位授权 Consent at booth"] != ""
    assert other == []  # consent at A's booth is for A only


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_each_crm_preset_writes_its_columns(empty_db, fair, questions, tmp_path, preset) -> None:
    _record(
        empty_db,
        fair,
        fair.code_consenting,
        answers=[(questions["channels"], "抖音")],
        tags=["VIP"],
        salesperson="王芳",
        rating=None,
    )
    expected = {
        "plain": ["姓名 Name", "公司 Company", "手机 Phone", "微信 WeChat", "邮箱 E-mail"],
        "wecom": ["姓名", "手机号", "微信号", "邮箱", "企业", "标签", "跟进人", "客户来源", "描述"],
        "dingtalk": ["客户名称", "联系人", "手机", "微信", "邮箱", "客户来源", "客户级别"],
        "salesforce": ["First Name", "Last Name", "Company", "Mobile", "Email", "Lead Source"],
    }[preset]
    out = tmp_path / f"{preset}.csv"
    with empty_db.session() as session:
        export_leads_csv(session, fair.factory_a, preset, out)
        headers = preset_headers(session, fair.factory_a, preset)
    (row,) = _csv(out)
    assert list(row)[: len(expected)] == expected and list(row) == headers
    values = {
        "plain": ("姓名 Name", "张伟"),
        "wecom": ("标签", "VIP"),
        "dingtalk": ("负责人", "王芳"),
        "salesforce": ("Last Name", "张"),
    }[preset]
    assert row[values[0]] == values[1]
    assert "13800138000" in "".join(row.values())
    if preset != "plain":
        assert "销售渠道 Sells on: 抖音" in "".join(row.values())


def test_formulas_in_exported_cells_are_escaped(empty_db, fair, tmp_path) -> None:
    _record(empty_db, fair, fair.code_consenting, tags=["=cmd|' /C calc'!A0"])
    with empty_db.session() as session:
        export_leads_csv(session, fair.factory_a, "wecom", tmp_path / "x.csv")
    row = _csv(tmp_path / "x.csv")[0]
    assert row["标签"].startswith("'=")
    assert row["手机号"] == "13800138000"  # a plain number stays a number


def test_follow_up_templates_fill_in_name_products_and_salesperson(empty_db, fair) -> None:
    today = dt.date(2026, 12, 10)
    _record(empty_db, fair, fair.code_consenting, salesperson="王芳", follow_up_on=today)
    _record(empty_db, fair, fair.code_private, follow_up_on=today + dt.timedelta(days=1))
    with empty_db.write(OFFICE) as session:
        save_template(
            session,
            fair.factory_a,
            "谢谢",
            "sms",
            "{name}您好，我是{销售}，您看的{products}有样品。",
        )
        with pytest.raises(TemplateError, match="Unknown placeholder"):
            save_template(session, fair.factory_a, "bad", "sms", "{nmae}")
        due = leads_due(session, fair.factory_a, today)
        (message,) = messages_for(session, fair.factory_a, "谢谢", due)
        with pytest.raises(TemplateError, match="no template"):
            messages_for(session, fair.factory_b, "谢谢", due)
    assert [lead.name for lead in due] == ["张伟"]
    assert message.text == "张伟您好，我是王芳，您看的折叠露营椅有样品。"
    assert message.phone == "+8613800138000"


def test_a_factorys_figures_count_its_own_leads_only(empty_db, fair, questions) -> None:
    _record(
        empty_db, fair, fair.code_consenting, rating="hot", answers=[(questions["channels"], "1")]
    )
    _record(empty_db, fair, fair.code_private, answers=[(questions["channels"], "抖音")])
    with empty_db.write(OFFICE) as session:
        station_b = booth_station(session, fair.station_b, fair.factory_b)
        record_inquiry(
            session, fair.factory_b, fair.code_consenting, InquiryDraft(skus=["PT-01"]), station_b
        )
        figures = factory_figures(session, fair.factory_a)
        yesterday = factory_figures(
            session, fair.factory_a, now=dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
        )
    assert (figures.leads, figures.leads_today, figures.hot) == (2, 2, 1)
    assert yesterday.leads_today == 0
    assert figures.top_skus == (("CY-001", "折叠露营椅", 2),)
    channels = next(a for a in figures.answers if a.question.id == questions["channels"])
    assert dict(channels.counts) == {"抖音": 2, "小红书": 0, "淘宝": 0, "跨境": 0}
