"""The main window: navigation on the left, one page at a time on the right.

The window owns the application's scanner (``ui.widgets.scanner_bursts``): a scan lands on the
page on screen (its ``handle_scanner_burst(payload)``) wherever the focus is, dialogs included.
Closing asks first when a page holds unsaved work (its ``unsaved_work()`` says what).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
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

from expo.errors import ExpoError
from expo.services.events import current_event
from ui.context import AppContext
from ui.pages import PageSpec, page_specs
from ui.settings import LAST_PAGE, WINDOW_GEOMETRY
from ui.signin.lock import StationLock
from ui.widgets.scanner_bursts import ScannerBursts
from ui.window_size import fit_to_screen


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, specs: list[PageSpec] | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(self._title())
        self.ask_before_closing = True  # False: close without asking about unsaved work
        self.scanner = ScannerBursts(self)
        self.scanner.scanned.connect(self.route_scan)

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(210)
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.navigation.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.stack = QStackedWidget()
        # Pages are built when first shown (start-up builds one, not six); until then the
        # stack holds an empty placeholder in the page's place.
        self.pages: dict[str, QWidget] = {}
        self._specs = list(specs if specs is not None else page_specs())
        self._keys: list[str] = []
        for spec in self._specs:
            self._keys.append(spec.key)
            self.stack.addWidget(QWidget())
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
        if not (geometry and self.restoreGeometry(QByteArray(geometry))):
            fit_to_screen(self, 1280, 800)
        self.show_page(ctx.settings.get(LAST_PAGE))
        # Idle lock and Ctrl+L; on an event with users, sign-in comes first (see showEvent).
        self.station_lock = StationLock(ctx, self)

    def _title(self) -> str:
        """The event's name (the file path is in the status bar)."""
        try:
            with self.ctx.db.session() as session:
                name = current_event(session).name
        except ExpoError:
            name = self.ctx.db.location
        return self.tr("{event} — Expo Desk").format(event=name)

    # -- scans
    def route_scan(self, payload: str) -> None:
        """A scanner burst: the page on screen handles it, or the status bar says where to go."""
        page = self.stack.currentWidget()
        handler = getattr(page, "handle_scanner_burst", None)
        if callable(handler):
            handler(payload)
            return
        self.statusBar().showMessage(
            self.tr(
                "A badge was scanned ({code}): open Check-in 签到 or Booth inquiries 展位询盘 "
                "to use it."
            ).format(code=payload),
            8000,
        )

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        self.scanner.install()
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

    @property
    def page_keys(self) -> list[str]:
        """Every page's key, in navigation order (built or not)."""
        return list(self._keys)

    def show_page(self, key: str) -> QWidget:
        row = self._keys.index(key) if key in self._keys else 0
        self.navigation.setCurrentRow(row)
        return self.stack.currentWidget()

    def _page_at(self, row: int) -> QWidget:
        """The page of navigation row ``row``, built now if this is its first showing."""
        spec = self._specs[row]
        page = self.pages.get(spec.key)
        if page is None:
            page = spec.build(self.ctx)
            self.pages[spec.key] = page
            placeholder = self.stack.widget(row)
            self.stack.insertWidget(row, page)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
        return page

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        self._page_at(row)
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

    def unsaved_work(self) -> list[str]:
        """What the pages hold that is not saved yet, one line each."""
        lines: list[str] = []
        for page in self.pages.values():
            unsaved = getattr(page, "unsaved_work", None)
            if callable(unsaved):
                lines.extend(unsaved())
        return lines

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        unsaved = self.unsaved_work() if self.ask_before_closing else []
        if unsaved and not confirm_discard(self, unsaved):
            event.ignore()
            return
        self.scanner.uninstall()
        self.ctx.settings.set(WINDOW_GEOMETRY, bytes(self.saveGeometry().data()))
        self.ctx.settings.sync()
        super().closeEvent(event)


def confirm_discard(parent: QWidget, unsaved: list[str]) -> bool:
    """Ask before unsaved work is thrown away; True when the user says to discard it."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QMessageBox.tr("未保存 Unsaved work"))
    box.setText(
        QMessageBox.tr("这些还没有保存 These are not saved yet:") + "\n• " + "\n• ".join(unsaved)
    )
    box.setInformativeText(QMessageBox.tr("Close anyway and lose them?"))
    discard = box.addButton(
        QMessageBox.tr("放弃并关闭 Discard and close"), QMessageBox.ButtonRole.DestructiveRole
    )
    keep = box.addButton(QMessageBox.tr("返回 Go back"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setObjectName("confirmDiscard")
    box.exec()
    return box.clickedButton() is discard
