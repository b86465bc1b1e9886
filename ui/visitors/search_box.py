"""One search box that finds any visitor as you type: name, pinyin, initials, phone, code, company.

The search runs on the GUI thread: it is a few indexed look-ups, p95 under 5 ms at 200,000
visitors for names, pinyin, initials, phone tails and codes and under 30 ms for company
fragments (benchmarks/bench_visitor_search.py). A thread hop would cost more than that. Typing is
coalesced by a short timer, so a barcode scanner's burst of keys runs one search, not twenty.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from expo.services.registry import VisitorHit, search_visitors
from expo.text.labels import visitor_type_label
from ui.context import AppContext

ID_ROLE = Qt.ItemDataRole.UserRole
TYPING_PAUSE_MS = 80


def hit_line(hit: VisitorHit) -> str:
    """A visitor on one line: name, masked phone, company, type."""
    parts = [
        hit.name,
        hit.phone_masked or "—",
        hit.company or "",
        visitor_type_label(hit.visitor_type),
    ]
    return "   ".join(part for part in parts if part)


class VisitorSearchBox(QWidget):
    """A line edit and the visitors it finds. Enter or a double click chooses one."""

    chosen = Signal(int)  # visitor id
    results_changed = Signal(str, list)  # the query searched and its hits (list[VisitorHit])

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, limit: int = 20) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.limit = limit
        self.edit = QLineEdit()
        self.edit.setObjectName("visitorSearch")
        self.edit.setClearButtonEnabled(True)
        self.edit.setPlaceholderText(
            self.tr("姓名 / 拼音 / 首字母 / 手机尾号 / 公司 / 登记号  Name, pinyin, phone, code")
        )
        self.results = QListWidget()
        self.results.setObjectName("visitorSearchResults")
        self.results.setUniformItemSizes(True)
        self.status = QLabel()
        self.status.setObjectName("visitorSearchStatus")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)

        self._hits: list[VisitorHit] = []
        self._searched: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_PAUSE_MS)
        self._timer.timeout.connect(self.search_now)
        self.edit.textChanged.connect(self._typed)
        self.edit.returnPressed.connect(self._choose_current)
        self.edit.installEventFilter(self)
        self.results.itemActivated.connect(self._item_chosen)
        self.setFocusProxy(self.edit)
        self._show([], "")

    # -- public
    def hits(self) -> list[VisitorHit]:
        return list(self._hits)

    def set_query(self, text: str) -> None:
        self.edit.setText(text)
        self.search_now()

    def query(self) -> str:
        return self.edit.text()

    def clear(self) -> None:
        self.edit.clear()
        self.search_now()

    def search_now(self) -> None:
        self._timer.stop()
        text = self.edit.text().strip()
        if text == self._searched:
            return
        self._searched = text
        if not text:
            self._show([], "")
            return
        with self.ctx.db.session() as session:
            hits = search_visitors(session, text, self.limit)
        self._show(hits, text)

    # -- internals
    def _typed(self, _text: str) -> None:
        self._timer.start()

    def _show(self, hits: list[VisitorHit], text: str) -> None:
        self._hits = hits
        self.results.clear()
        for hit in hits:
            item = QListWidgetItem(hit_line(hit))
            item.setData(ID_ROLE, hit.id)
            item.setToolTip(hit.registration_no or "")
            self.results.addItem(item)
        if hits:
            self.results.setCurrentRow(0)
        if not text:
            self.status.setText(self.tr("Type to search 输入即搜索"))
        elif not hits:
            self.status.setText(self.tr("No visitor matches “{text}” 未找到").format(text=text))
        else:
            more = "+" if len(hits) >= self.limit else ""
            self.status.setText(
                self.tr("{count}{more} found 找到 — Enter chooses").format(
                    count=len(hits), more=more
                )
            )
        self.results_changed.emit(text, hits)

    def _choose_current(self) -> None:
        self.search_now()
        item = self.results.currentItem()
        if item is not None:
            self.chosen.emit(int(item.data(ID_ROLE)))

    def _item_chosen(self, item: QListWidgetItem) -> None:
        self.chosen.emit(int(item.data(ID_ROLE)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # Up/Down in the box move through the results without leaving the box.
        if watched is self.edit and isinstance(event, QKeyEvent):
            key = event.key() if event.type() == QEvent.Type.KeyPress else None
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.count():
                self.search_now()
                step = 1 if key == Qt.Key.Key_Down else -1
                row = max(0, min(self.results.count() - 1, self.results.currentRow() + step))
                self.results.setCurrentRow(row)
                return True
            if key == Qt.Key.Key_Escape and self.edit.text():
                self.clear()
                return True
        return super().eventFilter(watched, event)
