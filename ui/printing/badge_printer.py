"""Print badges on the desk's printer (CUPS on Linux, the Windows spooler) or into a PDF.

``BadgePrinter`` keeps one QPrinter per desk: the printer chosen once in QPrintDialog (its name
is a desk setting), the page size set from the badge layout (a 100 x 50 mm label, A6, A4).
"Save as PDF" writes the reportlab PDF, with the CJK font embedded.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QDialog, QWidget

from expo.badges.layout import BadgeCard, BadgeLayout, draw_badge, page_spec
from expo.badges.pdf import write_badges_pdf
from expo.errors import ExpoError
from ui.printing.badge_painter import paint_badge

MM_PER_PT = 25.4 / 72.0


class PrintFailed(ExpoError):
    """The printer refused the job or could not be opened."""


def page_layout(layout: BadgeLayout | str) -> QPageLayout:
    spec = page_spec(layout)
    size = QPageSize(
        QSizeF(spec.width * MM_PER_PT, spec.height * MM_PER_PT),
        QPageSize.Unit.Millimeter,
        f"Expo badge {BadgeLayout(layout).value}",
        QPageSize.SizeMatchPolicy.ExactMatch,
    )
    return QPageLayout(
        size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter
    )


# How the desk setting names "Print to File (PDF)" chosen in the print dialog: pdf:<file>.
PDF_PREFIX = "pdf:"


class BadgePrinter:
    """Prints badge cards; ``output_pdf`` sends the same painting to a PDF file instead.

    ``printer_name`` is the desk setting: a printer's name, or ``pdf:<file>`` when the desk chose
    "Print to File (PDF)" in the print dialog.
    """

    def __init__(self, printer_name: str = "", *, output_pdf: Path | None = None) -> None:
        self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if output_pdf is None and printer_name.startswith(PDF_PREFIX):
            output_pdf = Path(printer_name[len(PDF_PREFIX) :])
            printer_name = ""
        self.output_pdf = output_pdf
        if output_pdf is not None:
            self.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            self.printer.setOutputFileName(str(output_pdf))
        elif printer_name:
            self.printer.setPrinterName(printer_name)
        self.printer.setFullPage(True)

    def _pdf_file(self) -> str:
        """The file "Print to File (PDF)" writes to, if that is what was chosen."""
        if self.printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
            return self.printer.outputFileName()
        return ""

    @property
    def printer_name(self) -> str:
        pdf = self._pdf_file()
        if pdf:
            return pdf
        return self.printer.printerName() or QPrinterInfo.defaultPrinterName()

    def setting_value(self) -> str:
        """What the desk setting stores for the chosen printer (``pdf:<file>`` for a PDF)."""
        pdf = self._pdf_file()
        return f"{PDF_PREFIX}{pdf}" if pdf else self.printer.printerName()

    def describe(self) -> str:
        return self.printer_name or "no printer"

    def choose(self, parent: QWidget | None) -> bool:
        """Let the desk pick its printer in the system dialog; True if one was chosen."""
        dialog = QPrintDialog(self.printer, parent)
        dialog.setWindowTitle(parent.tr("Badge printer") if parent else "Badge printer")
        return dialog.exec() == QDialog.DialogCode.Accepted

    def print_cards(
        self, cards: Sequence[BadgeCard], layout: BadgeLayout | str, event_name: str = ""
    ) -> int:
        """Print the badges (several to a page in the A4 layout); returns how many."""
        if not cards:
            return 0
        if not self._pdf_file() and not self.printer_name:
            raise PrintFailed(
                "No printer is set up. Choose the badge printer (the desk's Settings… button), "
                "or save the badge as a PDF."
            )
        spec = page_spec(layout)
        self.printer.setPageLayout(page_layout(layout))
        self.printer.setDocName(f"Badge {cards[0].name}" if len(cards) == 1 else "Badges")
        painter = QPainter()
        if not painter.begin(self.printer):
            raise PrintFailed(
                f"Cannot print on {self.describe()}: check that it is switched on and has "
                "labels, or choose another printer."
            )
        px_per_pt = self.printer.resolution() / 72.0
        try:
            for index, card in enumerate(cards):
                slot = index % spec.per_page
                if index and slot == 0:
                    self.printer.newPage()
                x_pt, y_pt = spec.slots[slot]
                # Slots are bottom-left corners in PDF points; Qt wants the top-left in pixels.
                origin = QPointF(
                    x_pt * px_per_pt, (spec.height - y_pt - spec.badge_height) * px_per_pt
                )
                paint_badge(
                    painter,
                    draw_badge(card, layout, event_name),
                    origin=origin,
                    px_per_pt=px_per_pt,
                )
        finally:
            painter.end()
        return len(cards)


def save_badges_pdf(
    path: Path, cards: Sequence[BadgeCard], layout: BadgeLayout | str, event_name: str = ""
) -> int:
    """ "Save as PDF": the reportlab PDF, with the CJK font embedded."""
    return write_badges_pdf(path, cards, layout, event_name=event_name)
