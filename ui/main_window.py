"""The main window: navigation on the left, one page at a time on the right."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from ui.context import AppContext
from ui.pages import PageSpec, page_specs
from ui.settings import LAST_PAGE, WINDOW_GEOMETRY
from ui.signin.lock import StationLock


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, specs: list[PageSpec] | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(self.tr("Expo Desk") + f" — {ctx.db.location}")
        self.resize(1280, 800)

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(210)
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.navigation.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        self._keys: list[str] = []
        for spec in specs if specs is not None else page_specs():
            page = spec.build(ctx)
            self.pages[spec.key] = page
            self._keys.append(spec.key)
            self.stack.addWidget(page)
            item = QListWidgetItem(spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.navigation.addItem(item)
        self.navigation.currentRowChanged.connect(self._show_row)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.setStyleSheet(
            "#navigation { background: #1f2a36; color: #dfe6ee; border: none; font-size: 15px; }"
            "#navigation::item { padding: 12px 10px; }"
            "#navigation::item:selected { background: #e8833a; color: white; }"
        )
        self._build_menu()
        self.statusBar().addPermanentWidget(QLabel(ctx.db.location))

        geometry = ctx.settings.get(WINDOW_GEOMETRY)
        if geometry:
            self.restoreGeometry(QByteArray(geometry))
        self.show_page(ctx.settings.get(LAST_PAGE))
        # Idle lock and Ctrl+L; on an event with users, sign-in comes first (see showEvent).
        self.station_lock = StationLock(ctx, self)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.station_lock.require_sign_in()

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        open_action = QAction(self.tr("&Open event…"), self)
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self._open_event)
        file_menu.addAction(open_action)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about = QAction(self.tr("&About Expo Desk"), self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)
        for row in range(self.navigation.count()):
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{row + 1}"))
            action.triggered.connect(lambda _=False, r=row: self.navigation.setCurrentRow(r))
            self.addAction(action)

    def show_page(self, key: str) -> QWidget:
        row = self._keys.index(key) if key in self._keys else 0
        self.navigation.setCurrentRow(row)
        return self.stack.currentWidget()

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        page = self.stack.currentWidget()
        self.ctx.settings.set(LAST_PAGE, self._keys[row])
        activated = getattr(page, "activated", None)
        if callable(activated):
            activated()

    def _open_event(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open event"), "", self.tr("Event databases (*.sqlite *.db)")
        )
        if path:
            from ui.app import reopen

            reopen(self, path)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About Expo Desk"),
            self.tr(
                "Expo Desk runs the on-site operations of the Factory Direct Sourcing "
                "Festival: registration, check-in, badges, booths and inquiries."
            ),
        )

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.ctx.settings.set(WINDOW_GEOMETRY, bytes(self.saveGeometry().data()))
        self.ctx.settings.sync()
        super().closeEvent(event)
