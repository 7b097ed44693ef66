"""Helpers that tests import (fixtures live in conftest.py)."""

import io
import json
import re
import secrets
import struct
import zlib

from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image as PILImage

from radiology_guide.enquiries.forms import TOKEN_SALT
from radiology_guide.images.models import Image

# A real SMTP mailer pointed at a port where nothing listens: the mail server is down.
MAIL_SERVER_DOWN = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 1},
    }
}


def form_token(seconds_ago=60, nonce=None):
    """A form token as if the form had been shown some seconds ago."""
    issued = int(timezone.now().timestamp()) - seconds_ago
    return signing.dumps({"n": nonce or secrets.token_urlsafe(16), "t": issued}, salt=TOKEN_SALT)


def error_summary(html):
    match = re.search(r'<div class="govuk-error-summary".*?</div>', html, re.S)
    return match.group(0) if match else ""


def change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def page_form(page, **changes):
    """The admin form's data for ``page`` as it is, with ``changes``.
    ``sources`` and ``related`` may be given as JSON (a list of sources, a
    list of slugs): they are sent as the form's rows and chosen pages."""
    from radiology_guide.guide.models import Page

    radiation = {True: "true", False: "false", None: "unknown"}[page.ionising_radiation]
    data = {
        "title": page.title, "slug": page.slug, "kind": page.kind, "summary": page.summary, "order": page.order,
        "body": page.body, "caption": page.caption, "duration": page.duration, "ionising_radiation": radiation,
        "dose_band": page.dose_band, "dose": page.dose, "sedation": page.sedation, "usual_stay": page.usual_stay,
        "review_status": page.review_status,
    }  # fmt: skip
    if page.sedation_aftercare:
        data["sedation_aftercare"] = "on"
    for name in ("dose_source", "preparation", "warning_signs", "risks"):
        data[name] = json.dumps(getattr(page, name))
    sources = json.loads(changes.pop("sources", "null")) or page.sources
    data["sources-name"] = [source["name"] for source in sources]
    data["sources-url"] = [source["url"] for source in sources]
    related = json.loads(changes.pop("related", "null")) or page.related
    by_slug = dict(Page.objects.filter(slug__in=related).values_list("slug", "pk"))
    data["related_pages"] = [by_slug[slug] for slug in related if slug in by_slug]
    data.update(changes)
    return data


# Pictures, drawn with Pillow as each test runs


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


IMAGE_ADD = "/admin/images/image/add/"


def upload(client, name, data, slug="knee-scan", content_type="image/jpeg", **fields):
    form = {"slug": slug, "alt": "A scan of a knee.", "caption": "", "credit": "", "licence": "", **fields}
    form["upload"] = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(IMAGE_ADD, form)


def sync(content_dir, *args):
    """Run sync_content on a content folder; returns (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    call_command("sync_content", "--path", str(content_dir), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# A valid procedure page for the content loader's tests, to break one rule at a time.
SAMPLE_PROCEDURE = """---
title: Sample biopsy
summary: A test page for the loader.
review_status: awaiting clinical review
sources:
  - name: NHS website, Biopsy
    url: https://www.nhs.uk/tests-and-treatments/biopsy/
slug: sample-biopsy
kind: procedure
order: 999
duration: 30 minutes
ionising_radiation: true
dose_band: low
dose: About 1.5 mSv, about the same as 8 months of natural background radiation.
dose_source:
  name: GOV.UK, Patient dose information
  url: https://www.gov.uk/government/publications/medical-radiation-patient-doses/patient-dose-information-guidance
sedation: Local anaesthetic.
sedation_aftercare: false
usual_stay: You go home the same day.
related: [ct-scan]
preparation:
  eating_and_drinking: Do not eat for 4 hours before. You can drink water until 2 hours before.
  medicines: Ask the team about blood thinners. Do not stop a medicine unless they tell you to.
  what_to_bring: A list of your medicines.
warning_signs:
  call_999:
    - You are bleeding heavily from where the needle went in. Lie flat and press firmly on it while you wait.
  call_111_or_unit:
    - You have a high temperature or shivers.
  next_visit:
    - A bruise is still there after 2 weeks.
risks:
  - what: A collapsed lung, where air leaks around the lung.
    how_often: about 1 in 4
    source:
      name: British Thoracic Society, guideline for radiologically guided lung biopsy
      url: https://www.brit-thoracic.org.uk/quality-improvement/guidelines/lung-biopsy/
---
## What is it and why is it done?

A test.

## What happens on the day?

You lie down.

## Recovery and going home

You rest.
"""
