"""The check-in desk page: scan, see the answer large, print the badge, next visitor.

The scan field keeps the focus. A check-in is a few indexed queries and one insert (about a
millisecond), so it runs on the GUI thread: a thread hop would cost more than the work and the
result must be on screen at once. Badges print on a first check-in (desk setting "auto") or
on the print key; visitors found by search or registered as walk-ins have no badge in hand, so
theirs prints straight away unless printing is off. Every print is logged; reprints counted.

Keys: F2 print (configurable), F3 search, F4 walk-in, F8 undo the last check-in, Esc back to
the scan field.
"""

from __future__ import annotations

import logging
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from expo.badges.layout import BadgeCard, BadgeLayout, draw_badge
from expo.errors import ExpoError
from expo.models import CheckInKind, StationKind
from expo.services.badges import badge_card, record_badge_print, reissue_badge
from expo.services.checkin import (
    CheckInResult,
    CheckInStatus,
    check_in,
    check_in_visitor,
    event_zone,
    recent_check_ins,
    station_entries,
    undo_check_in,
)
from expo.services.events import StationRef, current_event
from expo.text.labels import visitor_type_label
from ui.context import AppContext
from ui.desk.bulk_dialog import BulkBadgesDialog
from ui.desk.result_panel import ResultPanel
from ui.desk.settings_dialog import DeskSettingsDialog
from ui.desk.sound import ResultSound, SoundPlayer
from ui.printing.badge_painter import badge_image
from ui.printing.badge_printer import BadgePrinter, save_badges_pdf
from ui.settings import (
    DESK_BADGE_LAYOUT,
    DESK_PRINT_KEY,
    DESK_PRINT_MODE,
    DESK_PRINTER,
    DESK_SCAN_GAP_MS,
    DESK_SOUND,
    PRINT_OFF,
    PRINT_ON_CHECK_IN,
    PRINT_ON_KEY,
)
from ui.visitors.search_box import VisitorSearchBox
from ui.visitors.walkin_form import WalkInForm
from ui.widgets.scan_field import ScanField

log = logging.getLogger(__name__)
RECENT_ROWS = 8
PREVIEW_DPI = 60


class DeskPage(QWidget):
    """The registration desk. ``sound`` and ``printer`` may be replaced (tests, kiosks)."""

    result_shown = Signal(object)  # the CheckInResult now on screen
    badge_printed = Signal(int)  # badge id

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        sound: SoundPlayer | None = None,
        printer: BadgePrinter | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sound: SoundPlayer = sound or ResultSound(self, enabled=ctx.settings.get(DESK_SOUND))
        self.printer = printer or BadgePrinter(ctx.settings.get(DESK_PRINTER))
        self.last_result: CheckInResult | None = None
        self.last_card: BadgeCard | None = None
        self._station: StationRef | None = None
        self._zone: ZoneInfo | None = None
        self._event_name: str | None = None
        self._undo_id: int | None = None
        self._entries: int | None = None  # first entries at this desk, counted once

        self.title = QLabel()
        self.title.setStyleSheet("font-size: 20px; font-weight: 600;")
        self.scan = ScanField(gap_ms=ctx.settings.get(DESK_SCAN_GAP_MS))
        self.scan.setObjectName("deskScan")
        self.scan.setStyleSheet("font-size: 22px; padding: 8px;")
        self.scan.scanned.connect(self.handle_scan)
        self.result = ResultPanel()

        self.undo_button = QPushButton(self.tr("撤销 Undo last check-in (F8)"))
        self.undo_button.setObjectName("deskUndo")
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.undo_last)
        self.print_button = QPushButton()
        self.print_button.setObjectName("deskPrint")
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(self.print_current)
        self.pdf_button = QPushButton(self.tr("存为 PDF Save as PDF…"))
        self.pdf_button.setObjectName("deskSavePdf")
        self.pdf_button.setEnabled(False)
        self.pdf_button.clicked.connect(lambda: self.save_current_pdf())
        self.reissue_button = QPushButton(self.tr("补办 Lost badge: reissue"))
        self.reissue_button.setObjectName("deskReissue")
        self.reissue_button.setEnabled(False)
        self.reissue_button.clicked.connect(self.reissue_current)
        for button in (self.undo_button, self.print_button, self.pdf_button, self.reissue_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scan field keeps the focus

        self.status_line = QLabel()
        self.status_line.setObjectName("deskStatus")
        self.status_line.setWordWrap(True)
        self.preview = QLabel()
        self.preview.setObjectName("deskPreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumHeight(120)

        self.settings_button = QPushButton()
        self.settings_button.setObjectName("deskSettings")
        self.settings_button.clicked.connect(self.open_settings)
        self.bulk_button = QPushButton(self.tr("批量胸卡 Bulk badges…"))
        self.bulk_button.setObjectName("deskBulk")
        self.bulk_button.clicked.connect(self.open_bulk)
        for widget in (self.settings_button, self.bulk_button):
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.search = VisitorSearchBox(ctx)
        self.search.chosen.connect(lambda visitor_id: self.check_in_found(visitor_id))
        self.walkin = WalkInForm(ctx)
        self.walkin.saved.connect(lambda visitor_id: self.check_in_found(visitor_id, walk_in=True))
        self.walkin.existing_chosen.connect(lambda visitor_id: self.check_in_found(visitor_id))
        self.side = QStackedWidget()
        self.side.addWidget(self.search)
        self.side.addWidget(self.walkin)
        self.search_tab = QPushButton(self.tr("查找 Search (F3)"))
        self.walkin_tab = QPushButton(self.tr("现场登记 Walk-in (F4)"))
        for button in (self.search_tab, self.walkin_tab):
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.search_tab.setChecked(True)
        self.search_tab.clicked.connect(self.show_search)
        self.walkin_tab.clicked.connect(self.show_walkin)

        self.recent = QListWidget()
        self.recent.setObjectName("deskRecent")
        self.recent.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.recent.setMaximumHeight(190)
        self.count_label = QLabel()
        self.count_label.setObjectName("deskCount")
        self.count_label.setStyleSheet("font-size: 15px; color: #37474F;")

        self._build_layout()
        self._build_shortcuts()
        self._update_print_button()
        self._update_settings_button()

    # -- layout
    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.settings_button)
        top.addWidget(self.bulk_button)

        actions = QHBoxLayout()
        actions.addWidget(self.undo_button)
        actions.addWidget(self.print_button)
        actions.addWidget(self.pdf_button)
        actions.addStretch(1)
        actions.addWidget(self.reissue_button)

        left = QVBoxLayout()
        left.addWidget(self.scan)
        left.addWidget(self.result, 1)
        left.addLayout(actions)
        left.addWidget(self.status_line)
        bottom = QHBoxLayout()
        recent_box = QVBoxLayout()
        recent_title = QLabel(self.tr("本台最近签到 Recent check-ins at this desk"))
        recent_title.setStyleSheet("font-weight: 600;")
        recent_box.addWidget(recent_title)
        recent_box.addWidget(self.recent)
        recent_box.addWidget(self.count_label)
        bottom.addLayout(recent_box, 2)
        bottom.addWidget(self.preview, 1)
        left.addLayout(bottom)

        side_panel = QFrame()
        side_panel.setObjectName("deskSide")
        side_panel.setStyleSheet("#deskSide { background: #F6F8FA; border-radius: 8px; }")
        side_layout = QVBoxLayout(side_panel)
        tabs = QHBoxLayout()
        tabs.addWidget(self.search_tab)
        tabs.addWidget(self.walkin_tab)
        side_layout.addLayout(tabs)
        side_layout.addWidget(self.side, 1)
        side_panel.setMinimumWidth(360)

        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addWidget(side_panel, 2)
        outer = QVBoxLayout(self)
        outer.addLayout(top)
        outer.addLayout(body, 1)

    def _build_shortcuts(self) -> None:
        def shortcut(key: str, slot) -> QShortcut:  # type: ignore[no-untyped-def]
            item = QShortcut(QKeySequence(key), self)
            item.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            item.activated.connect(slot)
            return item

        self.print_shortcut = shortcut(self.ctx.settings.get(DESK_PRINT_KEY), self.print_current)
        shortcut("F3", self.show_search)
        shortcut("F4", self.show_walkin)
        shortcut("F8", self.undo_last)
        shortcut("Esc", self.focus_scan)

    # -- page protocol
    def activated(self) -> None:
        self._entries = None  # recount: other windows may have checked people in
        self._refresh_recent()
        self.focus_scan()

    def shortcut_hint(self) -> str:
        return self.tr("{key} print · F3 search · F4 walk-in · F8 undo").format(
            key=self.ctx.settings.get(DESK_PRINT_KEY)
        )

    def focus_scan(self) -> None:
        self.scan.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- the event and the station (read once: they do not change while the page lives)
    def station(self) -> StationRef:
        if self._station is None:
            with self.ctx.write(StationKind.DESK) as session:
                self._station = session.station()
        return self._station

    def _event(self) -> tuple[str, ZoneInfo]:
        if self._zone is None or self._event_name is None:
            with self.ctx.db.session() as session:
                self._event_name = current_event(session).name
                self._zone = event_zone(session)
        return self._event_name, self._zone

    # -- scanning and checking in
    def handle_scan(self, payload: str) -> CheckInResult | None:
        try:
            station = self.station()
            with self.ctx.write(StationKind.DESK) as session:
                result = check_in(session, payload, station)
        except Exception as exc:  # noqa: BLE001 - the desk must stay up: say it, scan again
            log.exception("check-in failed")
            self.sound.play(CheckInStatus.INVALID)
            self._status(
                self.tr("Could not check in ({error}). Nothing was saved; scan again.").format(
                    error=exc
                ),
                error=True,
            )
            return None
        self._show(result)
        if result.status is CheckInStatus.OK and self._print_mode() == PRINT_ON_CHECK_IN:
            self.print_current()
        return result

    def check_in_found(self, visitor_id: int, *, walk_in: bool = False) -> CheckInResult | None:
        """A visitor chosen in the search or just registered: check in and print the badge."""
        try:
            with self.ctx.write(StationKind.DESK) as session:
                result = check_in_visitor(session, visitor_id, self.station())
        except ExpoError as exc:
            self._status(str(exc), error=True)
            return None
        self._show(result)
        if walk_in:
            self.search.clear()
        # They have no badge in hand (that is why they were searched for): print it now.
        if self._print_mode() != PRINT_OFF:
            self.print_current()
        self.focus_scan()
        return result

    def _show(self, result: CheckInResult) -> None:
        _, zone = self._event()
        self.last_result = result
        self.last_card = None
        self.result.show_result(result, zone)
        self.sound.play(result.status)
        self._undo_id = result.check_in_id
        if result.status is CheckInStatus.OK and self._entries is not None:
            self._entries += 1
        self.undo_button.setEnabled(self._undo_id is not None)
        self._update_print_button()
        self.pdf_button.setEnabled(result.visitor is not None)
        self.reissue_button.setEnabled(result.visitor is not None)
        self.preview.clear()
        self._status("")
        self._refresh_recent()
        self.result_shown.emit(result)

    def undo_last(self) -> None:
        if self._undo_id is None:
            self._status(self.tr("Nothing to undo."), error=True)
            return
        try:
            with self.ctx.write(StationKind.DESK) as session:
                undone = undo_check_in(session, self._undo_id, self.station())
        except ExpoError as exc:
            self._status(str(exc), error=True)
            return
        self._undo_id = None
        if undone.kind is CheckInKind.ENTRY and self._entries is not None:
            self._entries -= 1
        self.undo_button.setEnabled(False)
        self.result.show_undone(undone)
        self._status(self.tr("Check-in of {name} undone.").format(name=undone.visitor.name))
        self._refresh_recent()
        self.focus_scan()

    # -- printing
    def _print_mode(self) -> str:
        return self.ctx.settings.get(DESK_PRINT_MODE)

    def _layout(self) -> BadgeLayout:
        try:
            return BadgeLayout(self.ctx.settings.get(DESK_BADGE_LAYOUT))
        except ValueError:  # a hand-edited settings file: fall back to the default
            return BadgeLayout(DESK_BADGE_LAYOUT.default)

    def _card_for_current(self) -> BadgeCard | None:
        result = self.last_result
        if result is None or result.visitor is None:
            return None
        if self.last_card is None or self.last_card.visitor_id != result.visitor.id:
            with self.ctx.write(StationKind.DESK) as session:
                self.last_card = badge_card(session, result.visitor.id)
        return self.last_card

    def print_current(self) -> bool:
        """Print the badge of the visitor on screen; logs it (a reprint if printed before)."""
        if self._print_mode() == PRINT_OFF:
            self._status(self.tr("Printing is off at this desk."), error=True)
            return False
        card = self._card_for_current()
        if card is None:
            self._status(self.tr("Scan or choose a visitor first."), error=True)
            return False
        layout = self._layout()
        event_name, _ = self._event()
        try:
            self.printer.print_cards([card], layout, event_name)
        except ExpoError as exc:
            self._status(str(exc), error=True)
            return False
        assert card.badge_id is not None
        with self.ctx.write(StationKind.DESK) as session:
            record = record_badge_print(session, card.badge_id, self.station(), layout=layout)
        self._show_preview(card)
        if record.reprint:
            self._status(
                self.tr("Badge reprinted for {name} (reprint {count}).").format(
                    name=card.name, count=record.reprint_count
                )
            )
        else:
            self._status(self.tr("Badge printed for {name}.").format(name=card.name))
        self.badge_printed.emit(card.badge_id)
        return True

    def save_current_pdf(self, path: Path | None = None) -> Path | None:
        card = self._card_for_current()
        if card is None:
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("Save badge as PDF"), f"badge-{card.visitor_id}.pdf", "PDF (*.pdf)"
            )
            self.focus_scan()
            if not chosen:
                return None
            path = Path(chosen)
        layout = self._layout()
        event_name, _ = self._event()
        save_badges_pdf(path, [card], layout, event_name)
        assert card.badge_id is not None
        with self.ctx.write(StationKind.DESK) as session:
            record_badge_print(session, card.badge_id, self.station(), layout=layout)
        self._show_preview(card)
        self._status(self.tr("Badge saved as {path}.").format(path=path))
        return path

    def reissue_current(self) -> bool:
        """A lost badge: the old code stops working everywhere; the new badge prints now."""
        result = self.last_result
        if result is None or result.visitor is None:
            return False
        with self.ctx.write(StationKind.DESK) as session:
            reissue_badge(session, result.visitor.id)
        self.last_card = None
        message = self.tr("Old badge of {name} revoked; new code issued.").format(
            name=result.visitor.name
        )
        if self._print_mode() != PRINT_OFF and self.print_current():
            message += " " + self.tr("New badge printed.")
        self._status(message)
        self.focus_scan()
        return True

    def open_bulk(self) -> None:
        BulkBadgesDialog(self.ctx, self).exec()
        self.focus_scan()

    def open_settings(self) -> bool:
        """The desk settings dialog; True when the new settings were saved and applied."""
        dialog = DeskSettingsDialog(self.ctx.settings, self.printer, self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        if accepted:
            self.apply_settings()
        self._update_settings_button()  # the printer may have changed even on Cancel
        self.window().activateWindow()  # scans go to the desk again, whatever the platform
        self.focus_scan()
        return accepted

    def apply_settings(self) -> None:
        """Take the saved print key, mode and layout into use."""
        self.print_shortcut.setKey(QKeySequence(self.ctx.settings.get(DESK_PRINT_KEY)))
        self._update_print_button()
        self._update_settings_button()
        if self.last_card is not None and not self.preview.pixmap().isNull():
            self._show_preview(self.last_card)

    def _show_preview(self, card: BadgeCard) -> None:
        event_name, _ = self._event()
        image = badge_image(draw_badge(card, self._layout(), event_name), PREVIEW_DPI)
        self.preview.setPixmap(QPixmap.fromImage(image))

    def _update_print_button(self) -> None:
        key = self.ctx.settings.get(DESK_PRINT_KEY)
        self.print_button.setText(self.tr("打印胸卡 Print badge ({key})").format(key=key))
        has_visitor = self.last_result is not None and self.last_result.visitor is not None
        self.print_button.setEnabled(has_visitor and self._print_mode() != PRINT_OFF)

    def _update_settings_button(self) -> None:
        mode = {
            PRINT_ON_CHECK_IN: self.tr("签到即打印 on check-in"),
            PRINT_ON_KEY: self.tr("按键 on {key}").format(
                key=self.ctx.settings.get(DESK_PRINT_KEY)
            ),
            PRINT_OFF: self.tr("不打印 off"),
        }.get(self._print_mode(), self._print_mode())
        printer = self.printer.describe()
        short = printer if len(printer) <= 24 else "…" + printer[-23:]
        self.settings_button.setText(
            self.tr("设置 Settings: {mode} · {layout} · {printer}…").format(
                mode=mode,
                layout=self.tr("标签 label")
                if self._layout() is BadgeLayout.LABEL
                else self._layout().value.upper(),
                printer=short,
            )
        )
        self.settings_button.setToolTip(printer)

    # -- side panel
    def show_search(self) -> None:
        self.side.setCurrentWidget(self.search)
        self.search_tab.setChecked(True)
        self.walkin_tab.setChecked(False)
        self.search.setFocus()

    def show_walkin(self) -> None:
        self.side.setCurrentWidget(self.walkin)
        self.walkin_tab.setChecked(True)
        self.search_tab.setChecked(False)
        self.walkin.setFocus()

    # -- status and history
    def _status(self, text: str, *, error: bool = False) -> None:
        self.status_line.setStyleSheet("color: #C62828;" if error else "color: #37474F;")
        self.status_line.setText(text)

    def _refresh_recent(self) -> None:
        station = self.station()
        _, zone = self._event()
        with self.ctx.db.session() as session:
            rows = recent_check_ins(session, station, RECENT_ROWS)
            if self._entries is None:
                self._entries = station_entries(session, station)
        self.recent.clear()
        for row in rows:
            local = row.at.astimezone(zone)
            text = (
                f"{local:%H:%M:%S}  {row.visitor.name}  ·  {row.visitor.company or '—'}  ·  "
                f"{visitor_type_label(row.visitor.visitor_type)}"
            )
            if row.kind is CheckInKind.RE_ENTRY:
                text += "  (再次入场 re-entry)"
            if row.undone:
                text += "  [已撤销 undone]"
            self.recent.addItem(text)
        self.title.setText(self.tr("签到台 Check-in desk — {station}").format(station=station.name))
        self.count_label.setText(
            self.tr("本台已签到 Checked in here: {count}").format(count=self._entries)
        )
