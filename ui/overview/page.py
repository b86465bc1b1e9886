"""The Overview page: the event's live figures, refreshed while the page is on screen."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from expo.models import VisitorType
from expo.services.stats import EventStats, event_stats
from expo.text.labels import VISITOR_TYPE_COLORS, visitor_type_label
from ui.context import AppContext

REFRESH_MS = 5000

# (figure, Chinese, English)
FIGURES = (
    ("visitors", "预登记观众", "Visitors"),
    ("checked_in", "已签到", "Checked in"),
    ("factories", "参展工厂", "Factories"),
    ("top100", "宝藏工厂", "TOP100"),
    ("products", "展品", "Products"),
    ("halls", "展馆", "Halls"),
    ("booths", "展位", "Booths"),
    ("inquiries", "询盘", "Inquiries"),
)


def _card(title: str) -> tuple[QFrame, QLabel]:
    frame = QFrame()
    frame.setObjectName("card")
    frame.setStyleSheet(
        "#card { background: white; border: 1px solid #dde3ea; border-radius: 8px; }"
    )
    value = QLabel("–")
    value.setStyleSheet("font-size: 30px; font-weight: 700; color: #1f2a36;")
    caption = QLabel(title)
    caption.setStyleSheet("font-size: 13px; color: #5c6b7a;")
    layout = QVBoxLayout(frame)
    layout.addWidget(value)
    layout.addWidget(caption)
    return frame, value


class OverviewPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.stats: EventStats | None = None
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 22px; font-weight: 600;")
        self.values: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setSpacing(12)
        for index, (key, zh, en) in enumerate(FIGURES):
            frame, value = _card(f"{zh}  {en}")
            value.setObjectName(f"figure_{key}")
            self.values[key] = value
            grid.addWidget(frame, index // 4, index % 4)

        types_title = QLabel(self.tr("观众类型 Visitors by type"))
        types_title.setStyleSheet("font-size: 16px; font-weight: 600; margin-top: 12px;")
        self.type_bars: dict[VisitorType, QProgressBar] = {}
        types = QGridLayout()
        for row, visitor_type in enumerate(VisitorType):
            label = QLabel(visitor_type_label(visitor_type))
            bar = QProgressBar()
            bar.setTextVisible(True)
            bar.setFormat("%v")
            bar.setStyleSheet(
                "QProgressBar { border: none; background: #eef1f4; height: 18px; }"
                f"QProgressBar::chunk {{ background: {VISITOR_TYPE_COLORS[visitor_type]}; }}"
            )
            self.type_bars[visitor_type] = bar
            types.addWidget(label, row, 0)
            types.addWidget(bar, row, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(self.title)
        layout.addLayout(grid)
        layout.addWidget(types_title)
        layout.addLayout(types)
        layout.addStretch(1)
        self.setStyleSheet("OverviewPage { background: #f5f7fa; }")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)

    def activated(self) -> None:
        self.refresh()
        self.timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.timer.stop()
        super().hideEvent(event)

    def refresh(self) -> None:
        self.ctx.tasks.op(self._read_stats).on_success(self.show_stats).run()

    def _read_stats(self) -> EventStats:
        with self.ctx.db.session() as session:
            return event_stats(session)

    def show_stats(self, stats: EventStats) -> None:
        self.stats = stats
        self.title.setText(stats.event)
        data = stats.as_dict()
        for key, label in self.values.items():
            label.setText(f"{data[key]:,}")
        top = max(stats.visitors_by_type.values(), default=0) or 1
        for visitor_type, bar in self.type_bars.items():
            bar.setMaximum(top)
            count = stats.visitors_by_type.get(visitor_type.value, 0)
            bar.setValue(count)
            share = count / stats.visitors if stats.visitors else 0.0
            bar.setFormat(f"{count:,}  ({share:.0%})")
