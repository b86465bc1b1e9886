"""The pages of the main window's navigation, in order. A page is listed only when it works.

A page is a QWidget built as ``PageClass(ctx: AppContext, parent)``; it may define
``activated()`` (called each time it is shown) and ``shortcut_hint()``. The main window builds
a page when it is first shown.
"""

from __future__ import annotations

import importlib
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


def _lazy(module: str, class_name: str) -> Callable[[AppContext], QWidget]:
    """Build the page by importing its module only then: a page's dependencies (the solver's
    scipy, the PDF and spreadsheet libraries) load when it is first shown, not at start."""

    def build(ctx: AppContext) -> QWidget:
        page_class = getattr(importlib.import_module(module), class_name)
        return page_class(ctx)

    return build


def page_specs() -> list[PageSpec]:
    return [
        PageSpec("overview", _tr("Overview 概览"), _lazy("ui.overview.page", "OverviewPage")),
        PageSpec("visitors", _tr("Visitors 观众"), _lazy("ui.visitors.page", "VisitorsPage")),
        PageSpec("desk", _tr("Check-in 签到"), _lazy("ui.desk.page", "DeskPage")),
        PageSpec("booths", _tr("Booths 展位"), _lazy("ui.booths.page", "BoothsPage")),
        PageSpec(
            "exhibitors", _tr("Exhibitors 展商"), _lazy("ui.exhibitors.page", "ExhibitorsPage")
        ),
        PageSpec("booth", _tr("Booth inquiries 展位询盘"), _lazy("ui.booth.page", "BoothPage")),
        PageSpec("audit", _tr("Audit 审计"), _lazy("ui.audit.page", "AuditPage")),
    ]
