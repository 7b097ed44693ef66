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
#: A multi-picture JPEG (MPO, written by some phone cameras) is a JPEG whose
#: first picture is the photo: it is kept as a JPEG of that picture alone.
FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp"}
#: What Pillow is asked to open (it reads an MPO as a JPEG, then names it MPO).
OPENED = ["JPEG", "PNG", "WEBP"]
#: A JPEG can be decoded at 1/2, 1/4 or 1/8 of its size, for that much less memory.
JPEG_SCALES = (1, 2, 4, 8)
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


def _fit_jpeg(image, max_pixels):
    """Have a JPEG decoded at the largest of its reduced sizes that has at
    most ``max_pixels`` (a 48-megapixel phone photo at half size, 12 million),
    so that memory stays within the limit. Other formats are left alone."""
    if image.format not in ("JPEG", "MPO"):
        return
    width, height = image.size
    for scale in JPEG_SCALES:
        if -(-width // scale) * -(-height // scale) <= max_pixels:
            break
    if scale > 1:
        image.draft(image.mode, (width // scale, height // scale))


def check(data: bytes):
    """Open ``data`` as an image after every check; raises ValidationError.
    Returns the Pillow image, fully loaded (a large JPEG at a reduced size)."""
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
        image = Image.open(io.BytesIO(data), formats=OPENED)
    except Image.DecompressionBombError:
        # Pillow refuses outright at twice its own limit, before we see the size.
        raise ValidationError("This image has far too many pixels" + too_many.format(max_pixels / 1e6)) from None
    except UnidentifiedImageError:
        raise ValidationError(REFUSED_TYPE) from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(DAMAGED) from None
    width, height = image.size
    _fit_jpeg(image, max_pixels)
    if image.width * image.height > max_pixels:
        raise ValidationError(f"This image is {width} × {height} pixels" + too_many.format(max_pixels / 1e6))
    try:
        image.load()
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(DAMAGED) from None
    return image


def _encode(image, extension: str) -> bytes:
    out = io.BytesIO()
    if extension == "jpg":
        # convert() copies the picture even when it is RGB already.
        rgb = image if image.mode == "RGB" else image.convert("RGB")
        rgb.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    elif extension == "png":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=80, method=4)
    return out.getvalue()


def _normalised(image):
    """The pixels only, upright, in a mode every format here can hold.

    One copy of the pixels is made (each is 3 or 4 bytes a pixel: 36 MB for a
    12-megapixel photo); before, four were, and a 40-megapixel upload took
    over 600 MiB, far past a worker's cap."""
    from PIL import ImageOps

    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    # convert() always makes a new image object, even in the same mode.
    clean = image.convert("RGBA" if has_alpha else "RGB")
    # It reads the orientation from the info convert() copied, then turns the picture in place.
    ImageOps.exif_transpose(clean, in_place=True)
    # Then none of the old info is kept (EXIF, XMP, text chunks, comments).
    clean.info = {}
    return clean


def prepare(data: bytes) -> Prepared:
    """Check ``data`` and make the clean original and its renditions."""
    from PIL import Image

    source = check(data)
    extension = FORMATS[source.format]
    image = _normalised(source)
    del source  # its pixels are not needed again: free them before encoding
    prepared = Prepared(extension, image.width, image.height, _encode(image, extension))
    widths = sorted({min(width, image.width) for width in WIDTHS})
    for width in widths:
        height = max(1, round(image.height * width / image.width))
        resized = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
        for fmt in dict.fromkeys(["webp", extension]):
            prepared.renditions.append(Rendition(width, height, fmt, _encode(resized, fmt)))
    return prepared
