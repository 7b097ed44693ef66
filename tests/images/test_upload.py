"""Editors upload pictures in admin; only real, reasonable JPEG, PNG and WebP
files get in, and nothing about the camera or place comes with them."""

import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from radiology_guide.images.models import Image
from tests.helpers import camera_exif, picture, pixel_bomb, upload

pytestmark = pytest.mark.django_db

ADD = "/admin/images/image/add/"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def open_stored(name):
    with default_storage.open(name) as file:
        return PILImage.open(io.BytesIO(file.read()))


def jpeg_cut_short():
    return picture("JPEG")[:600]


UPLOADS = [
    # (what, file name, bytes, stored format or the start of the error shown)
    ("a JPEG", "knee.jpg", lambda: picture("JPEG"), "jpg"),
    ("a PNG", "knee.png", lambda: picture("PNG"), "png"),
    ("a WebP", "knee.webp", lambda: picture("WEBP"), "webp"),
    ("a PNG named .jpg", "knee.jpg", lambda: picture("PNG"), "png"),
    ("a web page named .jpg", "knee.jpg", lambda: b"<html><body>hello</body></html>", "This file is not a JPEG"),
    ("a GIF", "knee.gif", lambda: picture("GIF"), "This file is not a JPEG"),
    ("an SVG", "knee.svg", lambda: SVG, "SVG images are not accepted"),
    ("an SVG named .png", "knee.png", lambda: SVG, "SVG images are not accepted"),
    ("a huge pixel count", "bomb.png", pixel_bomb, "This image has far too many pixels; the limit is 13 million"),
    ("over the pixel limit", "big.png", lambda: pixel_bomb(8000, 6000), "This image is 8000 × 6000 pixels; the limit"),
    ("a damaged JPEG", "knee.jpg", jpeg_cut_short, "This image could not be read"),
]


@pytest.mark.parametrize(("what", "name", "make", "expected"), UPLOADS, ids=[row[0] for row in UPLOADS])
def test_upload_checks_the_real_type_and_size(admin_client, what, name, make, expected):
    response = upload(admin_client, name, make())
    if len(expected) <= 4:
        assert response.status_code == 302, response.content.decode()[:2000]
        image = Image.objects.get(slug="knee-scan")
        assert image.format == expected
        assert image.file.name.endswith(f".{expected}")
        assert open_stored(image.file.name).format == {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[expected]
    else:
        assert response.status_code == 200
        assert expected in response.content.decode()
        assert not Image.objects.exists()


def test_a_file_over_the_size_limit_is_refused(admin_client, settings):
    settings.IMAGE_MAX_BYTES = 20_000
    noise = PILImage.effect_noise((400, 400), 80).convert("RGB")
    out = io.BytesIO()
    noise.save(out, "PNG")
    assert len(out.getvalue()) > 20_000
    html = upload(admin_client, "noise.png", out.getvalue()).content.decode()
    assert "MB; the limit is 0.02 MB" in html
    assert not Image.objects.exists()


def test_alt_text_is_required_unless_the_picture_is_decorative(admin_client):
    html = upload(admin_client, "knee.png", picture(), alt="").content.decode()
    assert "Say what the picture shows, or tick" in html
    assert upload(admin_client, "knee.png", picture(), alt="", decorative="on").status_code == 302
    assert Image.objects.get().decorative


def test_a_decorative_picture_has_no_alt_text(admin_client):
    html = upload(admin_client, "knee.png", picture(), decorative="on").content.decode()
    assert "A decorative picture has no alt text" in html


def test_camera_details_and_location_are_removed_and_the_picture_is_upright(admin_client):
    data = picture("JPEG", size=(1600, 1000), exif=camera_exif())
    assert PILImage.open(io.BytesIO(data)).getexif()[0x010F] == "PhoneMaker"
    assert upload(admin_client, "phone.jpg", data).status_code == 302
    image = Image.objects.get()
    # Orientation 6 means "turn 90 degrees": the stored picture is turned, so portrait.
    assert (image.width, image.height) == (1000, 1600)
    for name in [image.file.name, *(item["name"] for item in image.renditions)]:
        stored = open_stored(name)
        assert not stored.getexif(), name
        assert "exif" not in stored.info and "xmp" not in stored.info, name
        assert b"PhoneMaker" not in default_storage.open(name).read()


def test_renditions_at_three_widths_in_webp_and_the_original_format(admin_client, media_root):
    assert upload(admin_client, "knee.png", picture("PNG", size=(1600, 1000))).status_code == 302
    image = Image.objects.get()
    made = sorted((item["width"], item["height"], item["format"]) for item in image.renditions)
    assert made == [
        (480, 300, "png"), (480, 300, "webp"), (800, 500, "png"), (800, 500, "webp"), (1200, 750, "png"),
        (1200, 750, "webp"),
    ]  # fmt: skip
    for item in image.renditions:
        stored = open_stored(item["name"])
        assert stored.size == (item["width"], item["height"])
        assert stored.format == {"png": "PNG", "webp": "WEBP"}[item["format"]]
        assert (media_root / item["name"]).exists()


def test_a_small_picture_is_never_enlarged(admin_client):
    assert upload(admin_client, "icon.jpg", picture("JPEG", size=(300, 200))).status_code == 302
    image = Image.objects.get()
    assert sorted((item["width"], item["format"]) for item in image.renditions) == [(300, "jpg"), (300, "webp")]


def test_content_editors_can_use_the_library(client, editor):
    client.force_login(editor)
    assert client.get("/admin/images/image/").status_code == 200
    assert upload(client, "knee.png", picture()).status_code == 302


def test_a_new_picture_replaces_the_old_files(admin_client, media_root, django_capture_on_commit_callbacks):
    assert upload(admin_client, "knee.png", picture()).status_code == 302
    image = Image.objects.get()
    old = image.stored_names()
    form = {"alt": image.alt, "caption": "", "credit": "", "licence": ""}
    form["upload"] = SimpleUploadedFile("new.jpg", picture("JPEG", size=(900, 600)), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/images/image/{image.pk}/change/", form)
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.format == "jpg" and image.width == 900
    assert not old & image.stored_names()
    assert not any((media_root / name).exists() for name in old)
    assert all((media_root / name).exists() for name in image.stored_names())


def phone_mpo(size=(1600, 1000)):
    """A multi-picture JPEG (MPO), as some phone cameras write: two frames."""
    first = PILImage.linear_gradient("L").resize(size).convert("RGB")
    second = first.transpose(PILImage.Transpose.FLIP_LEFT_RIGHT)
    out = io.BytesIO()
    first.save(out, "MPO", save_all=True, append_images=[second])
    return out.getvalue()


def test_a_multi_picture_jpeg_from_a_phone_is_stored_as_a_jpeg_of_its_first_picture(admin_client):
    data = phone_mpo()
    assert PILImage.open(io.BytesIO(data)).format == "MPO"
    assert upload(admin_client, "phone.jpg", data).status_code == 302
    image = Image.objects.get()
    assert (image.format, image.width, image.height) == ("jpg", 1600, 1000)
    stored = open_stored(image.file.name)
    assert stored.format == "JPEG" and getattr(stored, "n_frames", 1) == 1


def test_a_jpeg_with_more_pixels_than_the_limit_is_decoded_smaller_and_accepted(admin_client, settings):
    # JPEG can be decoded at 1/2, 1/4 or 1/8 of its size for little memory: a
    # 48-megapixel phone photo fits the budget that way.
    settings.IMAGE_MAX_PIXELS = 1_000_000
    assert upload(admin_client, "big.jpg", picture("JPEG", size=(2000, 1500))).status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (1000, 750)


def test_a_png_over_the_pixel_limit_is_still_refused(admin_client, settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    html = upload(admin_client, "big.png", picture("PNG", size=(2000, 1500))).content.decode()
    assert "This image is 2000 × 1500 pixels; the limit is 1 million" in html
    assert not Image.objects.exists()


MEASURE = """
import re, sys, django
django.setup()
from radiology_guide.images import processing
data = open(sys.argv[1], "rb").read()
def peak():  # this process's own peak resident memory (ru_maxrss counts its parent's too), KiB
    return int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read())[1])
before = peak()
prepared = processing.prepare(data)
grown = (peak() - before) // 1024
print(grown, prepared.width, prepared.height)
"""


def test_a_40_megapixel_photo_is_prepared_within_a_workers_memory_cap(tmp_path):
    # A worker is replaced past GRANIAN_WORKERS_MAX_RSS (160 MiB, serve.py) and
    # uses about 70 MiB serving pages, so an upload has about 90 MiB to work in
    # (100 allows for the allocator). Before: decoded whole and copied four
    # times, 612 MiB; now decoded at half size, 81.
    photo = tmp_path / "photo.jpg"
    PILImage.linear_gradient("L").resize((7745, 5164)).convert("RGB").save(photo, "JPEG", quality=90)
    result = subprocess.run(  # noqa: S603 - a fixed command
        [sys.executable, "-c", MEASURE, str(photo)],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "radiology_guide.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    grown, width, height = map(int, result.stdout.split())
    assert grown <= 100, f"preparing the picture took {grown} MiB more"
    assert width * height <= settings.IMAGE_MAX_PIXELS
