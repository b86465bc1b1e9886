"""The pages of the main window's navigation, in order. A page is listed only when it works.

A page is a QWidget built as ``PageClass(ctx: AppContext, parent)``; it may define
``activated()`` (called each time it is shown) and ``shortcut_hint()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from ui.context import AppContext


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    build: Callable[[AppContext], QWidget]


def _tr(text: str) -> str:
    return QCoreApplication.translate("Navigation", text)


def page_specs() -> list[PageSpec]:
    # Imports inside: building the list must not import every page's dependencies up front.
    from ui.audit.page import AuditPage
    from ui.booth.page import BoothPage
    from ui.booths.page import BoothsPage
    from ui.desk.page import DeskPage
    from ui.exhibitors.page import ExhibitorsPage
    from ui.overview.page import OverviewPage
    from ui.visitors.page import VisitorsPage

    return [
        PageSpec("overview", _tr("Overview 概览"), OverviewPage),
        PageSpec("visitors", _tr("Visitors 观众"), VisitorsPage),
        PageSpec("desk", _tr("Check-in 签到"), DeskPage),
        PageSpec("booths", _tr("Booths 展位"), BoothsPage),
        PageSpec("exhibitors", _tr("Exhibitors 展商"), ExhibitorsPage),
        PageSpec("booth", _tr("Booth inquiries 展位询盘"), BoothPage),
        PageSpec("audit", _tr("Audit 审计"), AuditPage),
    ]
