"""Exhibiting factories as the exhibitor pages and ``factories list`` show them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from expo.errors import ExpoError
from expo.models import Booth, Category, Factory, Product


class FactoryNotFound(ExpoError):
    """No factory with that id in this event."""


class UnknownCategory(ExpoError):
    """No category of the fair by that code or name."""


@dataclass(frozen=True)
class FactorySummary:
    id: int
    name: str
    name_en: str | None
    top100: bool
    top100_rank: int | None
    category: str | None  # the main category's code
    booth: str | None  # the code(s) of the factory's booth(s), "A-12" or "A-12, A-13"
    city: str | None
    products: int

    def as_json(self) -> dict[str, object]:
        """The shape ``factories list --json`` prints."""
        return {
            "id": self.id,
            "name": self.name,
            "top100": self.top100,
            "category": self.category,
            "booth": self.booth,
        }


def category_codes(session: Session) -> dict[str, str]:
    """Every way a category may be written (code, Chinese, English; lower case) -> its code."""
    names: dict[str, str] = {}
    for code, zh, en in session.execute(select(Category.code, Category.name_zh, Category.name_en)):
        for spelling in (code, zh, en):
            names[spelling.strip().lower()] = code
    return names


def resolve_category(session: Session, text: str) -> str:
    """The code of the category written as ``text`` (code, Chinese or English name)."""
    code = category_codes(session).get(text.strip().lower())
    if code is None:
        known = ", ".join(session.scalars(select(Category.code).order_by(Category.sort_order)))
        raise UnknownCategory(f"No category {text!r}. Use one of: {known}.")
    return code


def _booths_by_factory(session: Session, factory_ids: list[int] | None) -> dict[int, str]:
    query = select(Booth.factory_id, Booth.code).where(Booth.factory_id.is_not(None))
    if factory_ids is not None:
        query = query.where(Booth.factory_id.in_(factory_ids))
    codes: dict[int, list[str]] = {}
    for factory_id, code in session.execute(query.order_by(Booth.code)):
        codes.setdefault(factory_id, []).append(code)
    return {factory_id: ", ".join(booths) for factory_id, booths in codes.items()}


def list_factories(
    session: Session, *, top100: bool = False, category: str | None = None
) -> list[FactorySummary]:
    """Factories by id; ``top100`` keeps the treasure factories, ``category`` one main category
    (a code or a Chinese or English category name)."""
    product_count = (
        select(Product.factory_id, func.count().label("n")).group_by(Product.factory_id).subquery()
    )
    query = (
        select(Factory, func.coalesce(product_count.c.n, 0))
        .outerjoin(product_count, product_count.c.factory_id == Factory.id)
        .order_by(Factory.id)
    )
    if top100:
        query = query.where(Factory.is_top100.is_(True))
    if category:
        query = query.where(Factory.main_category == resolve_category(session, category))
    rows = session.execute(query).all()
    booths = _booths_by_factory(session, None if len(rows) > 500 else [f.id for f, _ in rows])
    return [_summary(factory, count, booths.get(factory.id)) for factory, count in rows]


def require_factory(session: Session, factory_id: int) -> Factory:
    """The factory ``factory_id``; ``FactoryNotFound`` saying where to look up the ids."""
    factory = session.get(Factory, factory_id)
    if factory is None:
        raise FactoryNotFound(
            f"No factory with id {factory_id}. `python -m expo factories list` shows the ids."
        )
    return factory


def get_factory(session: Session, factory_id: int) -> FactorySummary:
    factory = require_factory(session, factory_id)
    count = session.scalar(select(func.count()).where(Product.factory_id == factory_id)) or 0
    return _summary(factory, count, _booths_by_factory(session, [factory_id]).get(factory_id))


def _summary(factory: Factory, products: int, booth: str | None) -> FactorySummary:
    return FactorySummary(
        id=factory.id,
        name=factory.name_zh,
        name_en=factory.name_en,
        top100=factory.is_top100,
        top100_rank=factory.top100_rank,
        category=factory.main_category,
        booth=booth,
        city=factory.city,
        products=products,
    )
