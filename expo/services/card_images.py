"""Photos of business cards and WeChat contact cards, kept in the event database.

An image is checked (Pillow must read it as a picture), turned upright (EXIF orientation),
scaled down to at most ``MAX_SIDE`` pixels on its long side and re-encoded as JPEG, so a
12-megapixel phone photo becomes ~200 KB in the event file and travels with the lead. Files
that are not images, or larger than ``MAX_FILE_BYTES``, are refused with a message.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from expo.errors import ExpoError

MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_SIDE = 1600
MAX_PIXELS = 80_000_000  # Pillow's decompression-bomb guard, stated here
JPEG_QUALITY = 85


class CardImageError(ExpoError):
    """The file is not a picture Expo Desk can keep."""


@dataclass(frozen=True)
class CardJpeg:
    jpeg: bytes
    width: int
    height: int


def card_image_from_bytes(data: bytes, label: str = "The image") -> CardJpeg:
    """A bounded JPEG of the picture in ``data``; ``CardImageError`` if it is not one."""
    if len(data) > MAX_FILE_BYTES:
        raise CardImageError(
            f"{label} is {len(data) / 1024 / 1024:.0f} MB; the limit is "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB. Take the photo again at a lower resolution."
        )
    if not data:
        raise CardImageError(f"{label} is empty; take the photo again or pick another file.")
    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise CardImageError(
                    f"{label} has {opened.width}x{opened.height} pixels, too many for a card "
                    "photo; take it again at a lower resolution."
                )
            opened.load()
            picture = ImageOps.exif_transpose(opened)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise CardImageError(
            f"{label} is not a picture (JPEG, PNG, BMP, GIF, WebP ...): "
            f"{type(exc).__name__}. Pick the photo of the card itself."
        ) from None
    picture = picture.convert("RGB")
    picture.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return CardJpeg(out.getvalue(), picture.width, picture.height)


def card_image_from_file(path: Path | str) -> CardJpeg:
    """Read and convert the picture file ``path``."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CardImageError(
                f"{path.name} is {size / 1024 / 1024:.0f} MB; the limit is "
                f"{MAX_FILE_BYTES // 1024 // 1024} MB. Pick a smaller photo."
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise CardImageError(f"There is no file {path}; check the name.") from None
    except IsADirectoryError:
        raise CardImageError(f"{path} is a folder; pick the photo file inside it.") from None
    except OSError as exc:
        raise CardImageError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    return card_image_from_bytes(data, path.name)
