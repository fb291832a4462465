"""Images with a hand-in: checked by decoding, re-encoded so no EXIF (and no GPS) survives,
scaled to at most 2,000 px, with a thumbnail. No Flask and no database in here.

Re-encoding rather than deleting tags: Pillow writes a new file from the pixels alone, so whatever
metadata a camera or phone added (location, device, owner name, XMP, comments) cannot come along.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

try:  # iPhone photos (HEIC); the decoder is optional
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIC = True
except ImportError:  # pragma: no cover - depends on the installation
    HEIC = False

MAX_IMAGES = 3
MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 2000
THUMB_SIDE = 400
MAX_PIXELS = 60_000_000  # a decompression bomb is refused before it fills the memory
ACCEPTED = {"PNG", "JPEG", "WEBP"} | ({"HEIF"} if HEIC else set())
ACCEPT_ATTRIBUTE = "image/png,image/jpeg,image/webp" + (",image/heic,image/heif,.heic" if HEIC else "")
FORMATS_LABEL = "PNG, JPEG of WebP" + (" (of HEIC van een iPhone)" if HEIC else "")


class ImageError(ValueError):
    """The file cannot be used; the message is Dutch and says what to do."""


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    thumbnail: bytes
    mimetype: str
    width: int
    height: int


def _encode(image: Image.Image, keep_png: bool) -> tuple[bytes, str]:
    out = io.BytesIO()
    if keep_png:
        image.save(out, "PNG", optimize=True)
        return out.getvalue(), "image/png"
    image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue(), "image/jpeg"


def clean_image(raw: bytes) -> CleanImage:
    """The image re-encoded from its pixels; ImageError when it is too big or not an image."""
    if len(raw) > MAX_BYTES:
        raise ImageError(f"Een afbeelding mag hoogstens {MAX_BYTES // (1024 * 1024)} MB zijn. Maak hem kleiner.")
    if not raw:
        raise ImageError("Dit bestand is leeg.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as opened:
                if opened.format not in ACCEPTED:
                    raise ImageError(f"Dit soort bestand kan niet. Gebruik {FORMATS_LABEL}.")
                if opened.width * opened.height > MAX_PIXELS:
                    raise ImageError("Deze afbeelding heeft te veel pixels. Maak een kleinere schermafbeelding.")
                opened.load()
                # Screenshots stay PNG (sharp text); photos become JPEG.
                keep_png = opened.format == "PNG"
                # Turn the pixels the way the camera meant, before the orientation tag is dropped.
                image = ImageOps.exif_transpose(opened)
    except ImageError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as err:
        raise ImageError(f"Dit is geen afbeelding die we kunnen openen. Gebruik {FORMATS_LABEL}.") from err
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    keep_png = keep_png or has_alpha
    image = image.convert("RGBA" if has_alpha else "RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    data, mimetype = _encode(image, keep_png)
    thumb = image.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    thumbnail, _ = _encode(thumb, keep_png)
    return CleanImage(data, thumbnail, mimetype, image.width, image.height)
