"""A factory's catalogue to and from XLSX: the import reports bad rows by their Excel row number
and a reason, and writes the good ones in the caller's one transaction.

Columns are found by their header in Chinese or English in any order (货号/SKU, 名称/Name,
类目/Category, 起订量/MOQ, 最低价/最高价 or one 价格 column holding ``12.5-18``, 可定制, OEM,
交期, 图片). Products are matched by SKU: a new SKU is created, a known one updated; products
missing from the file stay (inquiries may name them). A column absent from the file leaves that
field as it is.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from expo.errors import ExpoError
from expo.importing.columns import column_letter
from expo.models import Category, Product
from expo.permissions import Permission, permit
from expo.progress import Progress
from expo.services.catalogue import (
    PRODUCT_FIELDS,
    ProductDraft,
    ProductFieldError,
    apply_draft,
    categories,
    parse_category,
    parse_flag,
    parse_lead_time,
    parse_moq,
    parse_name,
    parse_photo,
    parse_price,
    parse_price_range,
    parse_sku,
)
from expo.services.factories import require_factory

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
HEADER_SEARCH_ROWS = 10


class CatalogueFileError(ExpoError):
    """The file as a whole cannot be imported (unreadable, no header row ...)."""


# Header spellings (normalised: NFKC, lower case, no spaces, brackets and what is inside them
# dropped) -> field. "price" is one column holding a price or a range.
HEADER_ALIASES: dict[str, str] = {
    **dict.fromkeys(
        ["sku", "货号", "款号", "编号", "产品编号", "商品编号", "型号", "itemno", "productcode"],
        "sku",
    ),
    **dict.fromkeys(
        ["name", "名称", "产品名称", "商品名称", "品名", "产品名", "productname", "product"],
        "name",
    ),
    **dict.fromkeys(["category", "类目", "类别", "品类", "分类", "产品类目"], "category"),
    **dict.fromkeys(
        ["moq", "起订量", "最小起订量", "最低起订量", "minimumorder", "minorder"], "moq"
    ),
    **dict.fromkeys(
        ["pricemin", "minprice", "lowestprice", "最低价", "最低价格", "价格下限", "起价"],
        "price_min",
    ),
    **dict.fromkeys(
        ["pricemax", "maxprice", "highestprice", "最高价", "最高价格", "价格上限"], "price_max"
    ),
    **dict.fromkeys(
        ["price", "pricerange", "价格", "单价", "价格区间", "批发价", "出厂价"], "price"
    ),
    **dict.fromkeys(
        [
            "customisable",
            "customizable",
            "customisation",
            "customization",
            "可定制",
            "定制",
            "支持定制",
        ],
        "customisable",
    ),
    **dict.fromkeys(["oem", "oemodm", "代工", "贴牌", "oem代工", "支持oem"], "oem"),
    **dict.fromkeys(
        ["leadtime", "leadtimedays", "交期", "交货期", "生产周期", "交期天"], "lead_time_days"
    ),
    **dict.fromkeys(
        ["photo", "image", "picture", "图片", "产品图片", "主图", "照片"], "photo_path"
    ),
}
FIELD_LABELS = {name: f"{zh} {en}" for name, zh, en in PRODUCT_FIELDS} | {"price": "价格 Price"}

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_CJK = re.compile(r"[\u3400-\u9fff]+")


def _norm(text: str) -> str:
    text = _BRACKETS.sub("", unicodedata.normalize("NFKC", text).lower())
    return re.sub(r"[\s_\-/.:·]+", "", text)


def header_field(header: Any) -> str | None:
    """The field a column header names, or None. Bilingual headers like ``最低价 Price min``
    are understood by either half."""
    text = str(header or "").strip()
    if not text:
        return None
    whole = _norm(text)
    cjk = "".join(_CJK.findall(_BRACKETS.sub("", unicodedata.normalize("NFKC", text))))
    latin = _norm(_CJK.sub(" ", text))
    for candidate in (whole, _norm(cjk), latin):
        if candidate in HEADER_ALIASES:
            return HEADER_ALIASES[candidate]
    return None


@dataclass(frozen=True)
class RejectedRow:
    row: int  # as Excel shows it: the first row is 1
    reason: str


@dataclass
class CatalogueImportResult:
    factory_id: int
    file: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    dry_run: bool = False

    def as_json(self) -> dict[str, object]:
        return {
            "factory": self.factory_id,
            "file": self.file,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [{"row": r.row, "reason": r.reason} for r in self.rejected],
            "dry_run": self.dry_run,
        }


def read_sheet_rows(path: Path) -> list[list[Any]]:
    """The first sheet's cells from A1, one list per row (row ``i`` is Excel row ``i + 1``)."""
    from python_calamine import CalamineWorkbook

    if not path.exists():
        raise CatalogueFileError(f"No file at {path}; check the path.")
    if path.suffix.lower() not in SPREADSHEET_SUFFIXES:
        raise CatalogueFileError(
            f"{path.name} is not a spreadsheet ({', '.join(SPREADSHEET_SUFFIXES)}); "
            "save the catalogue as .xlsx and import that."
        )
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise CatalogueFileError(f"{path.name} holds no sheet.")
        return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except CatalogueFileError:
        raise
    except Exception as exc:  # calamine raises its own types for every kind of damage
        raise CatalogueFileError(
            f"{path.name} cannot be read as a spreadsheet ({exc}). Open it in Excel or WPS, "
            "save it as .xlsx and import it again."
        ) from exc


def _filled(row: Sequence[Any]) -> int:
    return sum(1 for cell in row if cell is not None and str(cell).strip() != "")


def map_header(rows: list[list[Any]], file_name: str) -> tuple[int, dict[str, int]]:
    """The header row's index and field -> column index. Title rows above it are skipped."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for column, header in enumerate(row):
            name = header_field(header)
            if name is None:
                continue
            if name in columns:
                raise CatalogueFileError(
                    f"Row {index + 1} of {file_name} has two columns for "
                    f"{FIELD_LABELS[name]} ({column_letter(columns[name])} and "
                    f"{column_letter(column)}); rename or delete one."
                )
            columns[name] = column
        if "sku" in columns and "name" in columns:
            return index, columns
    raise CatalogueFileError(
        f"{file_name} has no header row naming the SKU (货号) and name (名称) columns in its "
        f"first {HEADER_SEARCH_ROWS} rows. Put the column names in the first row, for example: "
        "货号 | 名称 | 类目 | 起订量 | 最低价 | 最高价 | 可定制 | OEM | 交期 | 图片."
    )


@dataclass(frozen=True)
class _ParsedRow:
    row: int
    values: dict[str, Any]  # only the fields whose column the file has


def _parse_row(
    cells: Sequence[Any], columns: dict[str, int], category_names: dict[str, str]
) -> dict[str, Any]:
    def cell(name: str) -> Any:
        index = columns[name]
        return cells[index] if index < len(cells) else None

    values: dict[str, Any] = {"sku": parse_sku(cell("sku")), "name": parse_name(cell("name"))}
    if "category" in columns:
        values["category"] = parse_category(cell("category"), category_names)
    if "moq" in columns:
        values["moq"] = parse_moq(cell("moq"))
    if "price" in columns:
        values["price_min"], values["price_max"] = parse_price_range(cell("price"))
    for name in ("price_min", "price_max"):
        if name in columns:
            price = parse_price(cell(name), name)
            if price is not None or "price" not in columns:
                values[name] = price
    for name in ("customisable", "oem"):
        if name in columns:
            values[name] = parse_flag(cell(name), name)
    if "lead_time_days" in columns:
        values["lead_time_days"] = parse_lead_time(cell("lead_time_days"))
    if "photo_path" in columns:
        values["photo_path"] = parse_photo(cell("photo_path"))
    return values


def parse_catalogue_rows(
    rows: list[list[Any]], file_name: str, category_names: dict[str, str]
) -> tuple[list[_ParsedRow], list[RejectedRow]]:
    """Good rows (fields by name) and rejected rows (Excel row number, reason)."""
    header_index, columns = map_header(rows, file_name)
    data = rows[header_index + 1 :]
    # Rows after the last real product row that hold one cell at most are notes ("注：含税").
    last = max((i for i, row in enumerate(data) if _filled(row) >= 2), default=-1)
    good: list[_ParsedRow] = []
    rejected: list[RejectedRow] = []
    seen: dict[str, int] = {}
    for offset, cells in enumerate(data):
        row_number = header_index + offset + 2
        filled = _filled(cells)
        if filled == 0 or (offset > last and filled <= 1):
            continue
        try:
            values = _parse_row(cells, columns, category_names)
        except ProductFieldError as exc:
            rejected.append(RejectedRow(row_number, str(exc)))
            continue
        key = values["sku"].lower()
        if key in seen:
            rejected.append(
                RejectedRow(
                    row_number,
                    f"The SKU {values['sku']} is already on row {seen[key]}; "
                    "each product needs its own SKU.",
                )
            )
            continue
        seen[key] = row_number
        good.append(_ParsedRow(row_number, values))
    return good, rejected


def import_catalogue(
    session: Session,
    factory_id: int,
    path: Path | str,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> CatalogueImportResult:
    """Import a catalogue file into the factory's products, in the caller's transaction.

    Bad rows are reported and skipped; the good ones are created or updated. With ``dry_run``
    nothing is written and the result tells what would happen. A ``Cancelled`` from
    ``progress.check()`` propagates: the caller's transaction rolls back.
    """
    permit(session, Permission.MANAGE_CATALOGUE, factory_id)
    path = Path(path)
    progress = progress or Progress()
    require_factory(session, factory_id)
    rows = read_sheet_rows(path)
    good, rejected = parse_catalogue_rows(rows, path.name, categories(session))
    result = CatalogueImportResult(factory_id, str(path), rejected=rejected, dry_run=dry_run)
    existing = {
        p.sku.lower(): p
        for p in session.scalars(select(Product).where(Product.factory_id == factory_id))
    }
    total = len(good)
    progress.update(0, total, "")
    for done, parsed in enumerate(good, start=1):
        product = existing.get(parsed.values["sku"].lower())
        base = {f.name: None for f in fields(ProductDraft)} | {"customisable": False, "oem": False}
        if product is not None:
            base |= {f.name: getattr(product, f.name) for f in fields(ProductDraft)}
        draft = ProductDraft(**(base | parsed.values))
        problems = draft.problems()
        if problems:
            result.rejected.append(RejectedRow(parsed.row, " ".join(problems)))
            continue
        if product is None:
            result.created += 1
            if not dry_run:
                product = Product(factory_id=factory_id)
                apply_draft(product, draft)
                session.add(product)
                existing[draft.sku.lower()] = product
        elif draft == ProductDraft(**{f.name: getattr(product, f.name) for f in fields(draft)}):
            result.unchanged += 1
        else:
            result.updated += 1
            if not dry_run:
                apply_draft(product, draft)
        if done % 200 == 0 or done == total:
            progress.update(done, total)
            progress.check()
    result.rejected.sort(key=lambda r: r.row)
    session.flush()
    return result


def export_catalogue(session: Session, factory_id: int, path: Path | str) -> int:
    """Write the factory's catalogue as XLSX (the same columns the import reads); the number of
    products. The file appears whole or not at all."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    require_factory(session, factory_id)
    names = dict(session.execute(select(Category.code, Category.name_zh)).tuples().all())
    products = session.scalars(
        select(Product).where(Product.factory_id == factory_id).order_by(Product.sku)
    ).all()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "产品 Products"
    sheet.append([f"{zh} {en}" for _, zh, en in PRODUCT_FIELDS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for product in products:
        sheet.append(
            [
                product.sku,
                product.name,
                names.get(product.category or "", product.category),
                product.moq,
                product.price_min,
                product.price_max,
                "是" if product.customisable else "否",
                "是" if product.oem else "否",
                product.lead_time_days,
                product.photo_path,
            ]
        )
    for row in sheet.iter_rows(min_row=2, min_col=5, max_col=6):
        for cell in row:
            cell.number_format = "0.00"
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJ", (16, 36, 12, 10, 16, 16, 14, 10, 18, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    save_workbook_atomically(workbook, Path(path))
    return len(products)


def save_workbook_atomically(workbook: Any, path: Path) -> None:
    """Save next to ``path`` and rename over it: a crash never leaves half a file."""
    path = path.expanduser()
    if path.suffix.lower() != ".xlsx":
        raise ExpoError(f"{path.name}: the export is an Excel file; give it the .xlsx suffix.")
    if not path.parent.exists():
        raise ExpoError(f"The folder {path.parent} does not exist; choose another place.")
    handle, temporary = tempfile.mkstemp(suffix=".xlsx.part", dir=path.parent)
    os.close(handle)
    try:
        workbook.save(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
