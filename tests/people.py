"""Visitors for tests that start from an empty event (``empty_db``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from expo.models import Visitor, VisitorType
from expo.text.pinyin import name_keys


def add_visitor(
    session: Session,
    name: str = "张伟",
    company: str | None = "义乌小商品贸易有限公司",
    visitor_type: VisitorType = VisitorType.TAOBAO,
    registration_no: str | None = None,
    **fields: object,
) -> int:
    visitor = Visitor(
        name=name,
        name_pinyin=name_keys(name).pinyin,
        company=company,
        visitor_type=visitor_type,
        registration_no=registration_no,
        **fields,
    )
    session.add(visitor)
    session.flush()
    return visitor.id
