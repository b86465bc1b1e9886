"""A factory's product catalogue: reading, checking and saving products, and finding them by
name, pinyin or SKU at the booth.

The field parsers here are the one place that decides what a valid SKU, price, MOQ ... is: the
XLSX import, the GUI's catalogue table and the CLI all go through them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from pypinyin import lazy_pinyin
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from expo.errors import ExpoError
from expo.models import Product, inquiry_product
from expo.permissions import Permission, permit
from expo.services.factories import category_codes, require_factory

MAX_PRICE = Decimal("100000000")  # a hundred million yuan a piece: anything above is a typo
_FEN = Decimal("0.01")


class ProductFieldError(ExpoError):
    """A value that cannot go into a product field; the message says what is expected."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class CatalogueError(ExpoError):
    """A product or catalogue change that cannot be saved as given."""


# The editable fields in the order the table, the XLSX file and the CLI show them.
PRODUCT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("sku", "货号", "SKU"),
    ("name", "名称", "Name"),
    ("category", "类目", "Category"),
    ("moq", "起订量", "MOQ"),
    ("price_min", "最低价", "Price min (¥)"),
    ("price_max", "最高价", "Price max (¥)"),
    ("customisable", "可定制", "Customisable"),
    ("oem", "OEM代工", "OEM"),
    ("lead_time_days", "交期(天)", "Lead time (days)"),
    ("photo_path", "图片", "Photo"),
)


@dataclass(frozen=True)
class ProductDraft:
    """A product's editable fields, checked (what a save writes)."""

    sku: str
    name: str
    category: str | None = None
    moq: int | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    customisable: bool = False
    oem: bool = False
    lead_time_days: int | None = None
    photo_path: str | None = None

    def problems(self) -> list[str]:
        """What is wrong with the product as a whole (each field alone is already valid)."""
        found = []
        if not self.sku:
            found.append("The SKU (货号) is empty.")
        if not self.name:
            found.append("The name (名称) is empty.")
        if (
            self.price_min is not None
            and self.price_max is not None
            and self.price_min > self.price_max
        ):
            found.append(
                f"The lowest price {self.price_min} is above the highest price {self.price_max}."
            )
        return found


@dataclass(frozen=True)
class ProductInfo:
    id: int
    factory_id: int
    sku: str
    name: str
    name_pinyin: str
    category: str | None
    moq: int | None
    price_min: Decimal | None
    price_max: Decimal | None
    customisable: bool
    oem: bool
    lead_time_days: int | None
    photo_path: str | None
    inquiries: int  # how many inquiries name it (such a product cannot be deleted)

    def draft(self) -> ProductDraft:
        return ProductDraft(**{f.name: getattr(self, f.name) for f in fields(ProductDraft)})

    def as_json(self) -> dict[str, object]:
        """The shape ``catalogue list --json`` prints: prices as the Decimal's text."""
        return {
            "sku": self.sku,
            "name": self.name,
            "category": self.category,
            "moq": self.moq,
            "price_min": _price_text(self.price_min),
            "price_max": _price_text(self.price_max),
        }


def _price_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# -- field parsers: raw cell or form text -> typed value, or ProductFieldError


def normalise_text(value: Any) -> str:
    """Cell or form text, NFKC-normalised (full-width digits and letters become ASCII), trimmed;
    whole numbers that a spreadsheet stored as floats lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def parse_sku(value: Any) -> str:
    text = normalise_text(value)
    if not text:
        raise ProductFieldError("sku", "The SKU (货号) is empty; every product needs one.")
    if len(text) > 64:
        raise ProductFieldError("sku", f"The SKU {text[:20]}… is longer than 64 characters.")
    return text


def parse_name(value: Any) -> str:
    text = " ".join(normalise_text(value).split())
    if not text:
        raise ProductFieldError("name", "The product name (名称) is empty.")
    if len(text) > 200:
        raise ProductFieldError("name", "The product name is longer than 200 characters.")
    return text


def parse_category(value: Any, categories: Mapping[str, str]) -> str | None:
    """A category code from its code, Chinese or English name; blank is no category."""
    text = normalise_text(value)
    if not text:
        return None
    code = categories.get(text.lower())
    if code is None:
        raise ProductFieldError(
            "category",
            f"Unknown category {text!r}; use one of the fair's categories "
            f"({', '.join(sorted(set(categories.values())))}) or leave it empty.",
        )
    return code


_COUNT_UNITS = re.compile(r"\s*(件|个|套|双|只|把|台|箱|pcs|pc|pieces|piece|sets|units)\s*$", re.I)
_DAY_UNITS = re.compile(r"\s*(天|日|days|day|d)\s*$", re.I)


def _parse_whole(value: Any, field: str, label: str, unit: re.Pattern[str]) -> int | None:
    if isinstance(value, float) and not value.is_integer():
        raise ProductFieldError(field, f"The {label} must be a whole number, not {value}.")
    text = unit.sub("", normalise_text(value)).replace(",", "")
    if not text:
        return None
    if not text.isdigit():
        raise ProductFieldError(field, f"The {label} must be a whole number, not {text!r}.")
    number = int(text)
    if number <= 0:
        raise ProductFieldError(field, f"The {label} must be at least 1 (or left empty).")
    if number > 100_000_000:
        raise ProductFieldError(field, f"The {label} {number} is too large.")
    return number


def parse_moq(value: Any) -> int | None:
    return _parse_whole(value, "moq", "MOQ (起订量)", _COUNT_UNITS)


def parse_lead_time(value: Any) -> int | None:
    return _parse_whole(value, "lead_time_days", "lead time in days (交期)", _DAY_UNITS)


_MONEY_DECORATION = re.compile(r"^(¥|￥|rmb|cny)\s*|\s*(元|rmb|cny|yuan)$", re.I)


def parse_price(value: Any, field: str = "price") -> Decimal | None:
    """An amount in yuan as an exact Decimal with two places; floats from a spreadsheet go
    through their shortest text (``12.3`` stays 12.30, never 12.2999…)."""
    text = normalise_text(value)
    text = _MONEY_DECORATION.sub("", text).replace(",", "").strip()
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ProductFieldError(field, f"{text!r} is not a price; write it like 12.50.") from None
    if not amount.is_finite() or amount < 0:
        raise ProductFieldError(field, f"{text!r} is not a price; write it like 12.50.")
    if amount > MAX_PRICE:
        raise ProductFieldError(field, f"The price {text} is too large.")
    if amount != amount.quantize(_FEN):
        raise ProductFieldError(field, f"The price {text} has more than two decimals (fen).")
    return amount.quantize(_FEN)


_RANGE = re.compile(r"(.+?)\s*(?:-|~|～|–|—|至|到)\s*(.+)")


def parse_price_range(value: Any) -> tuple[Decimal | None, Decimal | None]:
    """A price column holding either one price or a range like ``12.5-18`` / ``¥12.5~18``."""
    text = normalise_text(value)
    if not text:
        return None, None
    match = _RANGE.fullmatch(text)
    if match is None:
        price = parse_price(text, "price_min")
        return price, price
    return parse_price(match.group(1), "price_min"), parse_price(match.group(2), "price_max")


_YES = {"是", "y", "yes", "true", "1", "✓", "√", "支持", "可", "可以", "有", "x", "oem", "ok"}
_NO = {"否", "n", "no", "false", "0", "✗", "×", "不支持", "不可", "不可以", "无", "不", "-"}


def parse_flag(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = normalise_text(value).lower()
    if not text:
        return False
    if text in _YES or text.startswith("可"):
        return True
    if text in _NO:
        return False
    raise ProductFieldError(field, f"{text!r} is not yes or no; write 是 or 否 (yes / no).")


def parse_photo(value: Any) -> str | None:
    text = normalise_text(value)
    if len(text) > 500:
        raise ProductFieldError("photo_path", "The photo path is longer than 500 characters.")
    return text or None


def parse_field(field: str, value: Any, categories: Mapping[str, str]) -> Any:
    """One editable field's typed value from what a person typed (the GUI's cell editor)."""
    if field == "sku":
        return parse_sku(value)
    if field == "name":
        return parse_name(value)
    if field == "category":
        return parse_category(value, categories)
    if field == "moq":
        return parse_moq(value)
    if field in ("price_min", "price_max"):
        return parse_price(value, field)
    if field in ("customisable", "oem"):
        return parse_flag(value, field)
    if field == "lead_time_days":
        return parse_lead_time(value)
    if field == "photo_path":
        return parse_photo(value)
    raise KeyError(field)


# -- search by name, pinyin or SKU


def product_pinyin(name: str) -> str:
    """Full pinyin and initials of a product name, ``"zhediluyingyi zdlyy"`` (what
    ``Product.name_pinyin`` holds). Latin words and model numbers are kept as words."""
    # Non-Chinese runs come back whole ("LED ", " X-200"): split them into words.
    syllables = [
        word.lower()
        for chunk in lazy_pinyin(name)
        for word in re.split(r"[^0-9A-Za-z]+", chunk)
        if word
    ]
    if not syllables:
        return ""
    return "".join(syllables) + " " + "".join(s[0] for s in syllables)


def _squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


@dataclass(frozen=True)
class ProductMatcher:
    """Finds products by SKU, name, full pinyin or pinyin initials (the booth's search box)."""

    keys: tuple[tuple[str, str, tuple[str, ...]], ...]  # (sku, name, pinyin forms) per product

    @classmethod
    def of(cls, products: Iterable[ProductInfo]) -> ProductMatcher:
        keys = []
        for product in products:
            forms = set(_squash(product_pinyin(product.name)).split()) if product.name else set()
            forms |= {_squash(part) for part in (product.name_pinyin or "").split(" ")}
            forms |= {_squash(product.name_pinyin or "")}
            keys.append((_squash(product.sku), _squash(product.name), tuple(sorted(forms - {""}))))
        return cls(tuple(keys))

    def rank(self, index: int, query: str) -> int | None:
        """0 exact SKU, 1 prefix of SKU, name or pinyin, 2 found inside; None: no match."""
        q = _squash(query)
        if not q:
            return 2
        sku, name, forms = self.keys[index]
        if q == sku:
            return 0
        if sku.startswith(q) or name.startswith(q) or any(f.startswith(q) for f in forms):
            return 1
        if q in sku or q in name or any(q in f for f in forms):
            return 2
        return None

    def search(self, query: str) -> list[int]:
        """Indexes of the matching products, best first (ties keep the catalogue order)."""
        ranked = [(r, i) for i in range(len(self.keys)) if (r := self.rank(i, query)) is not None]
        return [i for _, i in sorted(ranked)]


# -- reading and writing the catalogue


def _info(product: Product, inquiries: int) -> ProductInfo:
    return ProductInfo(
        id=product.id,
        factory_id=product.factory_id,
        sku=product.sku,
        name=product.name,
        name_pinyin=product.name_pinyin or "",
        category=product.category,
        moq=product.moq,
        price_min=product.price_min,
        price_max=product.price_max,
        customisable=product.customisable,
        oem=product.oem,
        lead_time_days=product.lead_time_days,
        photo_path=product.photo_path,
        inquiries=inquiries,
    )


def list_products(session: Session, factory_id: int, query: str = "") -> list[ProductInfo]:
    """The factory's products by SKU; with ``query``, those matching it, best first."""
    require_factory(session, factory_id)
    uses = (
        select(inquiry_product.c.product_id, func.count().label("n"))
        .group_by(inquiry_product.c.product_id)
        .subquery()
    )
    rows = session.execute(
        select(Product, func.coalesce(uses.c.n, 0))
        .outerjoin(uses, uses.c.product_id == Product.id)
        .where(Product.factory_id == factory_id)
        .order_by(Product.sku)
    ).all()
    products = [_info(product, count) for product, count in rows]
    if query.strip():
        matcher = ProductMatcher.of(products)
        products = [products[i] for i in matcher.search(query)]
    return products


def apply_draft(product: Product, draft: ProductDraft) -> bool:
    """Copy the draft's fields onto ``product``; True if anything changed."""
    # The search keys follow the name; an unchanged name keeps keys written by others (demo).
    if product.name != draft.name or not product.name_pinyin:
        product.name_pinyin = product_pinyin(draft.name)
    changed = False
    for f in fields(ProductDraft):
        value = getattr(draft, f.name)
        if getattr(product, f.name) != value:
            setattr(product, f.name, value)
            changed = True
    return changed


@dataclass(frozen=True)
class CatalogueSaveResult:
    created: int
    updated: int
    deleted: int
    unchanged: int


def save_catalogue(
    session: Session,
    factory_id: int,
    edits: Iterable[tuple[int | None, ProductDraft]],
    deleted: Iterable[int] = (),
) -> CatalogueSaveResult:
    """Apply the catalogue table's edits in one go: ``(product id or None for a new product,
    its fields)`` and the ids of products to delete. Checks everything first; on any problem
    raises ``CatalogueError`` listing them all and writes nothing."""
    permit(session, Permission.MANAGE_CATALOGUE, factory_id)
    require_factory(session, factory_id)
    existing = {
        p.id: p for p in session.scalars(select(Product).where(Product.factory_id == factory_id))
    }
    edits = list(edits)
    deleted_ids = set(deleted)
    problems: list[str] = []
    for product_id in deleted_ids | {pid for pid, _ in edits if pid is not None}:
        if product_id not in existing:
            problems.append(f"Product {product_id} is not in this factory's catalogue.")
    in_use = _inquiry_counts(session, deleted_ids)
    for product_id, count in in_use.items():
        if count and product_id in existing:
            problems.append(
                f"{existing[product_id].sku} is named in {count} inquiries and stays in the "
                "catalogue (inquiries are never changed)."
            )
    edited_ids = {pid for pid, _ in edits if pid is not None}
    final_skus: dict[str, str] = {
        p.sku.lower(): p.sku
        for pid, p in existing.items()
        if pid not in deleted_ids and pid not in edited_ids
    }
    for edit_id, draft in edits:
        if edit_id in deleted_ids:
            continue
        label = draft.sku or draft.name or "a new product"
        problems += [f"{label}: {problem}" for problem in draft.problems()]
        key = draft.sku.lower()
        if key and key in final_skus:
            problems.append(f"The SKU {draft.sku} is used twice; each product needs its own.")
        final_skus[key] = draft.sku
    if problems:
        raise CatalogueError("Nothing was saved. " + " ".join(problems))

    for product_id in deleted_ids:
        session.delete(existing[product_id])
    session.flush()
    created = updated = unchanged = 0
    # Renamed products first take a placeholder SKU, so that swapping two SKUs never trips the
    # unique (factory, SKU) index mid-way; new products go in once every old SKU has moved.
    renamed = [
        (existing[edit_id], draft)
        for edit_id, draft in edits
        if edit_id is not None and edit_id not in deleted_ids and existing[edit_id].sku != draft.sku
    ]
    for product, _draft in renamed:
        product.sku = f"~renaming~{product.id}"
    session.flush()
    for edit_id, draft in edits:
        if edit_id is None or edit_id in deleted_ids:
            continue
        product = existing[edit_id]
        was_renamed = product.sku != draft.sku
        if apply_draft(product, draft) or was_renamed:
            updated += 1
        else:
            unchanged += 1
    session.flush()
    for edit_id, draft in edits:
        if edit_id is None:
            product = Product(factory_id=factory_id)
            apply_draft(product, draft)
            session.add(product)
            created += 1
    session.flush()
    return CatalogueSaveResult(created, updated, len(deleted_ids), unchanged)


def _inquiry_counts(session: Session, product_ids: set[int]) -> dict[int, int]:
    if not product_ids:
        return {}
    rows = session.execute(
        select(inquiry_product.c.product_id, func.count())
        .where(inquiry_product.c.product_id.in_(product_ids))
        .group_by(inquiry_product.c.product_id)
    )
    return dict(rows.tuples().all())


def categories(session: Session) -> dict[str, str]:
    """Spellings of the fair's categories -> code, for ``parse_category``."""
    return category_codes(session)
