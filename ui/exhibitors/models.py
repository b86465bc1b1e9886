"""Qt models of the Exhibitors page: the factory list and one factory's editable catalogue.

The catalogue model keeps the edits in memory until Save: each cell is checked as it is typed
(by the core's field parsers), the whole catalogue again by the save service.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QPixmap

from expo.services.catalogue import (
    PRODUCT_FIELDS,
    ProductDraft,
    ProductFieldError,
    ProductInfo,
    parse_field,
)
from expo.services.factories import FactorySummary

_Index = QModelIndex | QPersistentModelIndex
FLAG_FIELDS = ("customisable", "oem")
ERROR_BRUSH = QBrush(QColor("#fde2e1"))
NEW_BRUSH = QBrush(QColor("#e8f5e9"))
EDITED_BRUSH = QBrush(QColor("#fff8e1"))


class FactoryTableModel(QAbstractTableModel):
    COLUMNS = ("ID", "名称 Name", "类目", "TOP100", "展位", "产品")
    TOOLTIPS = ("Factory id", "Name", "Main category", "TOP100 rank", "Booth(s)", "Products")

    def __init__(self, category_names: Mapping[str, str], parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[FactorySummary] = []
        self._category_names = dict(category_names)

    def set_factories(self, factories: list[FactorySummary]) -> None:
        self.beginResetModel()
        self._rows = list(factories)
        self.endResetModel()

    def factory(self, row: int) -> FactorySummary:
        return self._rows[row]

    def row_of(self, factory_id: int) -> int | None:
        return next((i for i, f in enumerate(self._rows) if f.id == factory_id), None)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.COLUMNS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.TOOLTIPS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        factory = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return str(factory.id)
            if column == 1:
                return factory.name
            if column == 2:
                return self._category_names.get(factory.category or "", factory.category or "")
            if column == 3:
                return f"★ {factory.top100_rank or ''}".strip() if factory.top100 else ""
            if column == 4:
                return factory.booth or ""
            return str(factory.products)
        if role == Qt.ItemDataRole.UserRole:  # what the sort proxy compares
            return (
                factory.id,
                factory.name,
                factory.category or "",
                factory.top100_rank if factory.top100 else 10_000,
                factory.booth or "~",
                factory.products,
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            return " · ".join(filter(None, [factory.name_en, factory.city]))
        if role == Qt.ItemDataRole.ForegroundRole and column == 3 and factory.top100:
            return QBrush(QColor("#c2410c"))
        return None


@dataclass
class CatalogueRow:
    """A product as the table holds it: its saved id (None: new) and its current fields."""

    id: int | None
    values: dict[str, Any]
    saved: ProductDraft | None  # as last saved; None for a new row
    inquiries: int = 0
    problems: list[str] = field(default_factory=list)

    def draft(self) -> ProductDraft:
        return ProductDraft(**self.values)

    @property
    def changed(self) -> bool:
        return self.saved is None or self.draft() != self.saved


def _empty_values() -> dict[str, Any]:
    return {f.name: None for f in fields(ProductDraft)} | {
        "sku": "",
        "name": "",
        "customisable": False,
        "oem": False,
    }


class CatalogueTableModel(QAbstractTableModel):
    """One factory's products, editable. ``problem`` carries the message of a refused value."""

    problem = Signal(str)
    dirtyChanged = Signal(bool)  # noqa: N815 - Qt signal naming

    FIELDS = tuple(name for name, _, _ in PRODUCT_FIELDS)
    # Shorter than the file's headers (PRODUCT_FIELDS): the table has ten columns to fit.
    TITLES = (
        "货号 SKU",
        "名称 Name",
        "类目 Category",
        "起订量 MOQ",
        "最低价 Min ¥",
        "最高价 Max ¥",
        "定制 Custom",
        "OEM",
        "交期 Days",
        "图片 Photo",
    )

    def __init__(self, categories: list[tuple[str, str, str, str]], parent: Any = None) -> None:
        super().__init__(parent)
        self.categories = categories  # (code, zh, en, colour)
        self._category_zh = {code: zh for code, zh, _, _ in categories}
        self._category_spellings: dict[str, str] = {}
        for code, zh, en, _ in categories:
            for spelling in (code, zh, en):
                self._category_spellings[spelling.lower()] = code
        self._rows: list[CatalogueRow] = []
        self._deleted: list[int] = []
        self._thumbnails: dict[str, QPixmap | None] = {}
        self._dirty = False

    # -- loading and reading back
    def set_products(self, products: list[ProductInfo]) -> None:
        self.beginResetModel()
        self._rows = [
            CatalogueRow(
                p.id,
                {f.name: getattr(p, f.name) for f in fields(ProductDraft)},
                p.draft(),
                p.inquiries,
            )
            for p in products
        ]
        self._deleted = []
        self.endResetModel()
        self._set_dirty(False)

    def edits(self) -> list[tuple[int | None, ProductDraft]]:
        """New and changed products, for ``save_catalogue``."""
        return [(row.id, row.draft()) for row in self._rows if row.changed]

    def deleted_ids(self) -> list[int]:
        return list(self._deleted)

    @property
    def dirty(self) -> bool:
        return self._dirty

    def row(self, number: int) -> CatalogueRow:
        return self._rows[number]

    def column_of(self, field_name: str) -> int:
        return self.FIELDS.index(field_name)

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirtyChanged.emit(dirty)

    def _refresh_dirty(self) -> None:
        self._set_dirty(bool(self._deleted) or any(row.changed for row in self._rows))

    # -- editing
    def add_product(self) -> int:
        """Append an empty product; its row number."""
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(CatalogueRow(None, _empty_values(), None))
        self.endInsertRows()
        self._set_dirty(True)
        return row

    def remove_product(self, row: int) -> bool:
        """Remove a product (saved products are deleted on Save); refused if inquiries name it."""
        product = self._rows[row]
        if product.inquiries:
            self.problem.emit(
                f"{product.values['sku']} is named in {product.inquiries} inquiries and stays in "
                "the catalogue."
            )
            return False
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()
        if product.id is not None:
            self._deleted.append(product.id)
        self._refresh_dirty()
        return True

    def mark_problems(self, problems_by_row: dict[int, list[str]]) -> None:
        for number, row in enumerate(self._rows):
            row.problems = problems_by_row.get(number, [])
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(self.FIELDS) - 1)
            )

    def check_all(self) -> list[str]:
        """Whole-product problems of every row (empty SKU or name, min price above max, a SKU
        used twice), marked on the rows; the list of messages."""
        messages: list[str] = []
        seen: dict[str, int] = {}
        by_row: dict[int, list[str]] = {}
        for number, row in enumerate(self._rows):
            problems = row.draft().problems()
            sku = (row.values["sku"] or "").lower()
            if sku and sku in seen:
                problems.append(f"The SKU {row.values['sku']} is also on row {seen[sku] + 1}.")
            seen.setdefault(sku, number)
            if problems:
                by_row[number] = problems
                messages += [f"Row {number + 1}: {p}" for p in problems]
        self.mark_problems(by_row)
        return messages

    # -- Qt model API
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self.FIELDS)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal:
                return self.TITLES[section]
            return str(section + 1)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.FIELDS[index.column()] in FLAG_FIELDS:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        name = self.FIELDS[index.column()]
        value = row.values[name]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(name, value)
        if role == Qt.ItemDataRole.EditRole:
            if name == "category":
                return self._category_zh.get(value or "", "")
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.CheckStateRole and name in FLAG_FIELDS:
            return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.problems:
                return ERROR_BRUSH
            if row.saved is None:
                return NEW_BRUSH
            if name in row.values and getattr(row.saved, name) != value:
                return EDITED_BRUSH
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if row.problems:
                return "\n".join(row.problems)
            if name == "photo_path" and value:
                return value
            if row.inquiries:
                return f"Named in {row.inquiries} inquiries 询盘"
            return None
        if role == Qt.ItemDataRole.DecorationRole and name == "photo_path" and value:
            return self._thumbnail(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and name in (
            "moq",
            "price_min",
            "price_max",
            "lead_time_days",
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, name: str, value: Any) -> str:
        if value is None:
            return ""
        if name == "category":
            return self._category_zh.get(value, value)
        if name in FLAG_FIELDS:
            return ""
        if isinstance(value, Decimal):
            return f"{value:,.2f}"
        if name == "moq":
            return f"{value:,}"
        if name == "photo_path":
            return Path(value).name
        return str(value)

    def _thumbnail(self, path: str) -> QPixmap | None:
        if path not in self._thumbnails:
            pixmap = QPixmap(path) if Path(path).is_file() else QPixmap()
            self._thumbnails[path] = (
                None
                if pixmap.isNull()
                else pixmap.scaled(
                    QSize(24, 24),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        return self._thumbnails[path]

    def setData(  # noqa: N802 - Qt API
        self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if not index.isValid():
            return False
        name = self.FIELDS[index.column()]
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.CheckStateRole and name in FLAG_FIELDS:
            parsed: Any = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role == Qt.ItemDataRole.EditRole:
            try:
                parsed = parse_field(name, value, self._category_spellings)
            except ProductFieldError as exc:
                self.problem.emit(f"Row {index.row() + 1}: {exc}")
                return False
        else:
            return False
        if row.values[name] == parsed:
            return True
        row.values[name] = parsed
        if row.problems:
            row.problems = []
            self.dataChanged.emit(
                self.index(index.row(), 0), self.index(index.row(), len(self.FIELDS) - 1)
            )
        self.dataChanged.emit(index, index)
        self._refresh_dirty()
        return True
