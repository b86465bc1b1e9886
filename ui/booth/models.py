"""The booth's lead list as a Qt table model (one row per buyer who asked this factory)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from expo.models import LeadRating
from expo.services.leads import LeadSummary
from expo.text.labels import visitor_type_label

_Index = QModelIndex | QPersistentModelIndex

RATING_TEXT = {LeadRating.HOT: "热 Hot", LeadRating.WARM: "温 Warm", LeadRating.COLD: "冷 Cold"}
# Dark enough for white text on a rating button and as text on the white lead table (>= 4.5:1);
# amber-600 (#d97706) reached only 3.2:1, so warm is amber-700.
RATING_COLORS = {LeadRating.HOT: "#dc2626", LeadRating.WARM: "#b45309", LeadRating.COLD: "#2563eb"}


def local_time(moment: dt.datetime | None, zone: dt.tzinfo | None = None) -> str:
    """``moment`` on the event's clock (``zone``; the desk shows the same), short for today."""
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    if local.date() == dt.datetime.now(local.tzinfo).date():
        return f"{local:%H:%M}"
    return f"{local:%m-%d %H:%M}"


class LeadTableModel(QAbstractTableModel):
    COLUMNS = (
        "姓名 Name",
        "公司 Company",
        "类型 Type",
        "评级 Rating",
        "询盘 Inq.",
        "最近 Last",
        "货号 Products",
        "跟进 Follow-up",
        "联系 Contact",
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._leads: list[LeadSummary] = []
        self.zone: dt.tzinfo | None = None  # the event's time zone (None: this computer's)

    def set_leads(self, leads: list[LeadSummary]) -> None:
        self.beginResetModel()
        self._leads = list(leads)
        self.endResetModel()

    def lead(self, row: int) -> LeadSummary:
        return self._leads[row]

    def row_of_visitor(self, visitor_id: int) -> int | None:
        return next(
            (i for i, lead in enumerate(self._leads) if lead.visitor_id == visitor_id), None
        )

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self._leads)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        lead = self._leads[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                lead.name if lead.verified_by_badge else f"{lead.name} ✎",
                lead.company or "",
                visitor_type_label(lead.visitor_type),
                RATING_TEXT.get(lead.rating, "") if lead.rating else "",
                str(lead.inquiries),
                local_time(lead.last_at, self.zone),
                ", ".join(lead.skus),
                lead.follow_up_on.isoformat() if lead.follow_up_on else "",
                (lead.phone or lead.wechat or "") if _has_contact(lead) else "未授权 not shared",
            )[column]
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 3 and lead.rating:
                return QBrush(QColor(RATING_COLORS[lead.rating]))
            if column == 0 and not lead.verified_by_badge:
                return QBrush(QColor("#b45309"))
            if column == 8 and not _has_contact(lead):
                return QBrush(QColor("#9aa5b1"))
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0 and not lead.verified_by_badge:
                return "未核验胸卡 typed in by hand: not verified by badge"
            if column == 8 and _has_contact(lead):
                return "\n".join(filter(None, [lead.phone, lead.wechat, lead.email]))
        return None


def _has_contact(lead: LeadSummary) -> bool:
    """Consent at registration or at this booth, or a number the booth typed in itself."""
    return lead.contact_shared or bool(lead.phone)
