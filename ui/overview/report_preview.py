"""A printed report shown before it is printed or saved: the PDF's pages rendered by PDFium.

The report is made once, as a PDF (reportlab, expo/services/reports); the preview and the
printer both get its pages rendered by pypdfium2, so what is printed is what is saved.
Printing goes through ``QPrintDialog``; saving copies the PDF where the user chooses.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

PREVIEW_DPI = 72


def pdf_page_images(path: Path, dpi: float) -> Iterator[QImage]:
    """Each page of the PDF at ``path`` rendered at ``dpi``."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(
                scale=dpi / 72, rev_byteorder=True, fill_color=(255, 255, 255, 255)
            )
            image = bitmap.to_pil().convert("RGBA")
            data = image.tobytes("raw", "RGBA")
            yield QImage(
                data, image.width, image.height, image.width * 4, QImage.Format.Format_RGBA8888
            ).copy()  # the bytes go away with ``image``
            page.close()
    finally:
        document.close()


def print_pdf(path: Path, printer: QPrinter) -> int:
    """Paint every page of the PDF onto ``printer``, scaled to its page; returns pages printed."""
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("The printer could not be started.")
    pages = 0
    try:
        dpi = min(printer.resolution(), 300)
        for number, image in enumerate(pdf_page_images(path, dpi)):
            if number:
                printer.newPage()
            target = QRectF(painter.viewport())
            scale = min(target.width() / image.width(), target.height() / image.height())
            size = image.size() * scale
            painter.drawImage(QRectF(0, 0, size.width(), size.height()), image)
            pages += 1
    finally:
        painter.end()
    return pages


class ReportPreview(QDialog):
    """The report's pages, with Print… and Save… (and the XLSX, when one is offered)."""

    def __init__(
        self,
        pdf: Path,
        title: str,
        suggested_name: str,
        parent: QWidget | None = None,
        xlsx: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.pdf = pdf
        self.xlsx = xlsx
        self.suggested_name = suggested_name
        self.setWindowTitle(title)
        self.resize(760, 760)
        pages = QWidget()
        column = QVBoxLayout(pages)
        column.setSpacing(12)
        self.page_labels: list[QLabel] = []
        for image in pdf_page_images(pdf, PREVIEW_DPI):
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            label.setStyleSheet("border: 1px solid #c5ced8; background: white;")
            column.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
            self.page_labels.append(label)
        scroll = QScrollArea()
        scroll.setWidget(pages)
        scroll.setWidgetResizable(True)
        scroll.setStyleSheet("QScrollArea { background: #eef1f4; }")
        self.count_label = QLabel(f"{len(self.page_labels)} 页 pages")
        self.print_button = QPushButton("打印… Print")
        self.save_button = QPushButton("保存 PDF… Save")
        self.xlsx_button = QPushButton("保存 XLSX… Save tables")
        self.xlsx_button.setVisible(xlsx is not None)
        close = QPushButton("关闭 Close")
        self.print_button.clicked.connect(self.print_report)
        self.save_button.clicked.connect(self.save_pdf)
        self.xlsx_button.clicked.connect(self.save_xlsx)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label)
        buttons.addStretch(1)
        for button in (self.print_button, self.save_button, self.xlsx_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

    def print_report(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            print_pdf(self.pdf, printer)
        except OSError as exc:
            QMessageBox.warning(self, self.windowTitle(), f"{exc} Check the printer and retry.")

    def save_pdf(self, target: str | None = None) -> Path | None:
        if not target:
            target, _ = QFileDialog.getSaveFileName(
                self, self.windowTitle(), self.suggested_name, "PDF (*.pdf)"
            )
        return self._copy(self.pdf, target) if target else None

    def save_xlsx(self, target: str | None = None) -> Path | None:
        if self.xlsx is None:
            return None
        if not target:
            target, _ = QFileDialog.getSaveFileName(
                self, self.windowTitle(), Path(self.suggested_name).stem + ".xlsx", "Excel (*.xlsx)"
            )
        return self._copy(self.xlsx, target) if target else None

    def _copy(self, source: Path, target: str) -> Path | None:
        path = Path(target)
        try:
            shutil.copyfile(source, path)
        except OSError as exc:
            QMessageBox.warning(
                self,
                self.windowTitle(),
                f"Could not save {path}: {exc.strerror or exc}. Choose another folder.",
            )
            return None
        return path
