"""The big coloured answer to a scan: green checked in, amber already, red refused.

Readable from a step away: the status in words (Chinese first), the visitor's name large, the
company and the visitor type, and for "already" when and where the first check-in was.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from expo.services.checkin import CheckInResult, CheckInStatus, UndoResult
from expo.text.labels import visitor_type_label

GREEN, AMBER, RED, IDLE, GREY = "#2E7D32", "#F9A825", "#C62828", "#ECEFF3", "#607D8B"
BLUE = "#1565C0"

# status -> (background, text colour, headline)
LOOKS: dict[CheckInStatus, tuple[str, str, str]] = {
    CheckInStatus.OK: (GREEN, "#FFFFFF", "✓ 签到成功  Checked in"),
    CheckInStatus.ALREADY: (AMBER, "#1F1A00", "已签到  Already checked in"),
    CheckInStatus.INVALID: (RED, "#FFFFFF", "✗ 无效码  Not a valid badge"),
    CheckInStatus.UNKNOWN: (RED, "#FFFFFF", "? 未找到  Not found"),
    CheckInStatus.REVOKED: (RED, "#FFFFFF", "✗ 已作废的胸卡  Revoked badge"),
    CheckInStatus.CONFIRM: (BLUE, "#FFFFFF", "请核对身份  Is this the person in front of you?"),
}
CONFIRM_KEYS = "Enter 确认签到 check in and print  ·  Esc 取消 cancel"


class ResultPanel(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deskResult")
        self.setMinimumHeight(260)
        self.status: CheckInStatus | None = None
        self._look: tuple[str, str] | None = None
        self.headline = QLabel()
        self.headline.setObjectName("deskHeadline")
        self.name = QLabel()
        self.name.setObjectName("deskName")
        self.details = QLabel()
        self.details.setObjectName("deskDetails")
        self.message = QLabel()
        self.message.setObjectName("deskMessage")
        for label in (self.headline, self.name, self.details, self.message):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 20)
        layout.addWidget(self.headline)
        layout.addWidget(self.name)
        layout.addWidget(self.details)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.show_idle()

    def _paint(self, background: str, foreground: str) -> None:
        # Restyling re-polishes every label: skip it when the colours stay (a queue of greens).
        if self._look == (background, foreground):
            return
        self._look = (background, foreground)
        self.setStyleSheet(
            f"#deskResult {{ background: {background}; border-radius: 12px; }}"
            f"#deskResult QLabel {{ color: {foreground}; background: transparent; }}"
            "#deskHeadline { font-size: 28px; font-weight: 700; }"
            "#deskName { font-size: 56px; font-weight: 700; }"
            "#deskDetails { font-size: 24px; }"
            "#deskMessage { font-size: 18px; }"
        )

    def show_idle(self, text: str = "请扫描胸卡或二维码  Scan a badge or QR code") -> None:
        self.status = None
        self._paint(IDLE, "#37474F")
        self.headline.setText(text)
        self.name.clear()
        self.details.clear()
        self.message.clear()

    def show_result(self, result: CheckInResult, zone: ZoneInfo) -> None:
        self.status = result.status
        background, foreground, headline = LOOKS[result.status]
        self._paint(background, foreground)
        self.headline.setText(headline)
        visitor = result.visitor
        if visitor is not None:
            self.name.setText(visitor.name)
            parts = [visitor.company or "—", visitor_type_label(visitor.visitor_type)]
            if result.needs_confirmation:
                parts.append(f"手机尾号 phone …{visitor.phone_tail or '—'}")
            self.details.setText("  ·  ".join(parts))
        else:
            self.name.clear()
            self.details.clear()
        if result.status is CheckInStatus.ALREADY and result.first_at is not None:
            self.message.setText(already_text(result.first_at, result.first_station, zone))
        elif result.needs_confirmation:
            number = visitor.registration_no if visitor is not None else ""
            self.message.setText(f"{CONFIRM_KEYS}\n登记号 Registration number {number}")
        else:
            self.message.setText(result.message)

    def show_undone(self, undone: UndoResult) -> None:
        self.status = None
        self._paint(GREY, "#FFFFFF")
        self.headline.setText("↶ 已撤销  Check-in undone")
        self.name.setText(undone.visitor.name)
        self.details.setText(undone.visitor.company or "")
        self.message.setText("The visitor is no longer counted as checked in by this scan.")


def already_text(first_at: dt.datetime, station: str | None, zone: ZoneInfo) -> str:
    local = first_at.astimezone(zone)
    today = dt.datetime.now(zone).date()
    when = f"{local:%H:%M}" if local.date() == today else f"{local:%m-%d %H:%M}"
    where = station or "?"
    return f"首次签到 {when} · {where}    First check-in {when} at {where}; re-entry logged."
