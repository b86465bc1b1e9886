"""A buyer without a badge: name, phone and company typed by hand, and a photo of the business
card or WeChat contact card, from the laptop's camera (Qt Multimedia, where it is installed)
or from an image file. The dialog only collects and checks; the Booth page saves the inquiry.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from expo.errors import ExpoError
from expo.services.card_images import CardJpeg, card_image_from_bytes, card_image_from_file
from expo.services.unbadged import UnbadgedBuyer
from expo.text.phones import normalise_phone
from ui.widgets.factory_files import show_status

IMAGE_FILTER = "Images (*.jpg *.jpeg *.png *.bmp *.gif *.webp *.tif *.tiff)"


def camera_available() -> bool:
    """Qt Multimedia is installed (PySide6-Addons) and sees a camera."""
    if importlib.util.find_spec("PySide6.QtMultimedia") is None:
        return False
    from PySide6.QtMultimedia import QMediaDevices

    return bool(QMediaDevices.videoInputs())


class UnbadgedDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("无胸卡买家 Buyer without a badge"))
        self.setObjectName("unbadgedDialog")
        self.card: CardJpeg | None = None
        self.buyer: UnbadgedBuyer | None = None
        self._camera: object | None = None
        self.name = QLineEdit()
        self.name.setObjectName("unbadgedName")
        self.name.setMaxLength(64)
        self.phone = QLineEdit()
        self.phone.setObjectName("unbadgedPhone")
        self.phone.setPlaceholderText(self.tr("手机 e.g. 138 0013 8000 or +852 ..."))
        self.company = QLineEdit()
        self.company.setObjectName("unbadgedCompany")
        self.company.setMaxLength(200)
        self.consent = QCheckBox(self.tr("买家同意本工厂联系 The buyer agrees we contact them"))
        self.consent.setObjectName("unbadgedConsent")
        self.preview = QLabel(self.tr("名片照片 Card photo: none"))
        self.preview.setObjectName("cardPreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(320, 180)
        self.preview.setStyleSheet("background: #f1f5f9; border: 1px dashed #94a3b8;")
        self.pick_button = QPushButton(self.tr("选图片 Pick an image…"))
        self.pick_button.clicked.connect(self._pick_file)
        self.camera_button = QPushButton(self.tr("拍照 Take a photo"))
        self.camera_button.setVisible(camera_available())
        self.camera_button.clicked.connect(self._take_photo)
        self.message = QLabel()
        self.message.setObjectName("unbadgedMessage")
        self.message.setWordWrap(True)
        note = QLabel(
            self.tr(
                "线索将标记为“未核验胸卡” The lead is marked “not verified by badge”. "
                "A phone already registered links to that visitor."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #475569;")

        form = QFormLayout()
        form.addRow(self.tr("姓名 Name *"), self.name)
        form.addRow(self.tr("手机 Phone *"), self.phone)
        form.addRow(self.tr("公司 Company"), self.company)
        form.addRow("", self.consent)
        photo_buttons = QHBoxLayout()
        photo_buttons.addWidget(self.camera_button)
        photo_buttons.addWidget(self.pick_button)
        photo_buttons.addStretch(1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addLayout(photo_buttons)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def set_card_file(self, path: Path) -> bool:
        """Use the picture file ``path`` as the card photo (False and why, if it is not one)."""
        try:
            self.card = card_image_from_file(path)
        except ExpoError as exc:
            show_status(self.message, str(exc), error=True)
            return False
        self._show_card()
        return True

    def set_card_image(self, image: QImage) -> bool:
        """Use a camera frame as the card photo."""
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        try:
            self.card = card_image_from_bytes(bytes(data.data()), "The photo")
        except ExpoError as exc:
            show_status(self.message, str(exc), error=True)
            return False
        self._show_card()
        return True

    def _show_card(self) -> None:
        assert self.card is not None
        pixmap = QPixmap()
        pixmap.loadFromData(self.card.jpeg, "JPEG")
        self.preview.setPixmap(
            pixmap.scaled(
                self.preview.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        show_status(
            self.message,
            self.tr("✓ 照片 Photo {w}×{h}").format(w=self.card.width, h=self.card.height),
        )

    def _pick_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Card photo"), "", IMAGE_FILTER)
        if path:
            self.set_card_file(Path(path))

    def _take_photo(self) -> None:
        """One still from the default camera (Qt Multimedia), used as the card photo."""
        from PySide6.QtMultimedia import QCamera, QImageCapture, QMediaCaptureSession

        camera = QCamera()
        capture = QImageCapture()
        session = QMediaCaptureSession()
        session.setCamera(camera)
        session.setImageCapture(capture)
        # Keep them alive until the frame arrives.
        self._camera = (camera, capture, session)

        def captured(_id: int, image: QImage) -> None:
            camera.stop()
            self.set_card_image(image)

        def failed(_id: int, _error: object, text: str) -> None:
            camera.stop()
            show_status(self.message, self.tr("相机 Camera: ") + text, error=True)

        capture.imageCaptured.connect(captured)
        capture.errorOccurred.connect(failed)
        camera.start()
        if capture.isReadyForCapture():
            capture.capture()
        else:
            capture.readyForCaptureChanged.connect(lambda ready: ready and capture.capture())

    def accept(self) -> None:
        """Check the fields here, so a typo is fixed before the inquiry form is filled."""
        if not self.name.text().strip():
            self.name.setFocus()
            show_status(self.message, self.tr("姓名 Type the buyer's name."), error=True)
            return
        if normalise_phone(self.phone.text()) is None:
            self.phone.setFocus()
            show_status(
                self.message,
                self.tr(
                    "手机 Not a phone number we can reach: a Chinese mobile has 11 digits "
                    "starting with 1; add a country code (+852 ...) for others."
                ),
                error=True,
            )
            return
        self.buyer = UnbadgedBuyer(
            self.name.text(),
            self.phone.text(),
            self.company.text() or None,
            self.card,
            self.consent.isChecked(),
        )
        super().accept()
