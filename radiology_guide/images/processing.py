"""Checking an uploaded image and making the files that are served.

Every image is opened by Pillow, which decides what it really is (the file
name and the browser's content type are not trusted), and is refused unless
it is a JPEG, PNG or WebP within the size and pixel limits. The pixel count
is read from the header before anything is decoded, so a small file that
would expand into gigabytes (a decompression bomb) is refused cheaply.

The image is then drawn again into a fresh file: camera details, GPS
position and any other metadata are left behind, and the picture is turned
the right way up first (phones record rotation in EXIF). Renditions at a few
widths are made in WebP and in the original format.

Files are named by a hash of their own bytes, so a name always means the same
picture and can be cached by browsers for a year (``images.views``).
"""

import hashlib
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError

#: Pillow's names for the formats we accept, and the file extension of each.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
#: Widths of the renditions, in CSS pixels at 1x. An image narrower than one
#: of them is not enlarged: its own width is used instead.
WIDTHS = (480, 800, 1200)
#: What the browser is told about the space an image takes: the full column
#: on a phone, and at most the reading column (44rem) on a wider screen.
SIZES = "(max-width: 44rem) 100vw, 44rem"

REFUSED_SVG = "SVG images are not accepted: an SVG file can carry scripts. Export the picture as PNG and upload that."
REFUSED_TYPE = "This file is not a JPEG, PNG or WebP image (whatever its name says). Upload one of those."
DAMAGED = "This image could not be read: the file may be damaged or cut short."


@dataclass
class Rendition:
    width: int
    height: int
    format: str  # a file extension: jpg, png or webp
    data: bytes = field(repr=False)

    def name(self, slug: str) -> str:
        return f"images/{slug}-{self.width}w-{digest(self.data)[:12]}.{self.format}"


@dataclass
class Prepared:
    """A checked image: the clean original and its renditions."""

    format: str
    width: int
    height: int
    data: bytes = field(repr=False)
    renditions: list[Rendition] = field(default_factory=list)

    def name(self, slug: str) -> str:
        return f"images/{slug}-{digest(self.data)[:12]}.{self.format}"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _looks_like_svg(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<svg", b"<?xml", b"<!doctype svg")) or b"<svg" in text[:1024]


def check(data: bytes):
    """Open ``data`` as an image after every check; raises ValidationError.
    Returns the Pillow image, fully loaded."""
    from PIL import Image, UnidentifiedImageError

    max_bytes = settings.IMAGE_MAX_BYTES
    if len(data) > max_bytes:
        raise ValidationError(
            f"This file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:g} MB. "
            "Make the picture smaller and upload it again."
        )
    if _looks_like_svg(data[:2048]):
        raise ValidationError(REFUSED_SVG)
    max_pixels = settings.IMAGE_MAX_PIXELS
    too_many = "; the limit is {:.0f} million pixels. Make the picture smaller and upload it again."
    try:
        image = Image.open(io.BytesIO(data), formats=list(FORMATS))
    except Image.DecompressionBombError:
        # Pillow refuses outright at twice its own limit, before we see the size.
        raise ValidationError("This image has far too many pixels" + too_many.format(max_pixels / 1e6)) from None
    except UnidentifiedImageError:
        raise ValidationError(REFUSED_TYPE) from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(DAMAGED) from None
    if image.width * image.height > max_pixels:
        raise ValidationError(
            f"This image is {image.width} × {image.height} pixels" + too_many.format(max_pixels / 1e6)
        )
    try:
        image.load()
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(DAMAGED) from None
    return image


def _encode(image, extension: str) -> bytes:
    out = io.BytesIO()
    if extension == "jpg":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True, progressive=True)
    elif extension == "png":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=80, method=4)
    return out.getvalue()


def _normalised(image):
    """The pixels only, upright, in a mode every format here can hold."""
    from PIL import ImageOps

    upright = ImageOps.exif_transpose(image)
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info)
    clean = upright.convert("RGBA" if has_alpha else "RGB")
    # A new image object carries none of the old one's info (EXIF, XMP, text chunks, comments).
    fresh = clean.copy()
    fresh.info = {}
    return fresh


def prepare(data: bytes) -> Prepared:
    """Check ``data`` and make the clean original and its renditions."""
    from PIL import Image

    source = check(data)
    extension = FORMATS[source.format]
    image = _normalised(source)
    prepared = Prepared(extension, image.width, image.height, _encode(image, extension))
    widths = sorted({min(width, image.width) for width in WIDTHS})
    for width in widths:
        height = max(1, round(image.height * width / image.width))
        resized = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
        for fmt in dict.fromkeys(["webp", extension]):
            prepared.renditions.append(Rendition(width, height, fmt, _encode(resized, fmt)))
    return prepared
