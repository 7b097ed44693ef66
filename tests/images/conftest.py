"""Pictures for the image tests, drawn with Pillow as each test runs, and a
media folder of each test's own."""

import io
import struct
import zlib

import pytest
from PIL import Image as PILImage

from radiology_guide.images.models import Image


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def picture(fmt="PNG", size=(1600, 1000), exif=None, mode="RGB"):
    """A picture with some detail in it (a gradient), as file bytes."""
    image = PILImage.linear_gradient("L").resize(size).convert(mode)
    out = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    image.save(out, fmt, **options)
    return out.getvalue()


def camera_exif():
    """EXIF as a phone writes it: the camera's make, a GPS position and rotation."""
    exif = PILImage.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotated 90 degrees
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS
    return exif


def pixel_bomb(width=50_000, height=50_000):
    """A small PNG whose header claims a huge picture: the shape of a decompression bomb."""
    data = bytearray(picture("PNG", (1, 1)))
    header = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return bytes(data)


def make_image(slug="knee-scan", data=None, **fields):
    image = Image(slug=slug, alt=fields.pop("alt", "A scan of a knee."), **fields)
    image.set_image(data or picture())
    image.save()
    return image
